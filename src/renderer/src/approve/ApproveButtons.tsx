// Approve / Always / Deny for a session waiting for permission: on its tab, its card, the phone's
// terminal. It sends the request the user is looking at (`expect`), so if the agent moved on to
// another question meanwhile the engine refuses instead of typing a stale "yes".
import { useState } from 'react';
import type { ApprovalDecision } from '../../../shared/approve.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { api } from '../api.ts';
import './approve.css';

export function waitsForPermission(s: Pick<SessionInfo, 'state' | 'reason' | 'headless'>): boolean {
  // A headless agent's tool was already denied (print mode asks no one): no dialog to answer.
  return s.state === 'waiting' && s.reason === 'permission' && !s.headless;
}

export function ApproveButtons({ session: s, compact }: { session: SessionInfo; compact?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  if (!waitsForPermission(s)) return null;
  const answer = async (decision: ApprovalDecision) => {
    setBusy(true);
    setNote(null);
    try {
      const r = await api.request('approve', { id: s.id, decision, expect: s.detail ?? '' });
      setNote({ ok: true, text: r.option });
    } catch (e) {
      setNote({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const what = s.detail ? `: ${s.detail}` : '';
  return (
    <span className={compact ? 'approve compact' : 'approve'} role="group" aria-label={`Answer ${s.branch}`}>
      {!compact && s.detail && <span className="approve-what ellipsis">{s.detail}</span>}
      <button
        type="button"
        className="btn small approve-yes"
        disabled={busy}
        aria-label={`Approve ${s.branch}${what}`}
        title={`Allow once${what}`}
        onClick={() => void answer('yes')}
      >
        Approve
      </button>
      {!compact && (
        <button
          type="button"
          className="btn small"
          disabled={busy}
          aria-label={`Always allow ${s.branch}${what}`}
          title="Yes, and don't ask again (when the agent offers it)"
          onClick={() => void answer('always')}
        >
          Always
        </button>
      )}
      <button
        type="button"
        className="btn small danger-ghost"
        disabled={busy}
        aria-label={`Deny ${s.branch}${what}`}
        title={`Deny${what}`}
        onClick={() => void answer('no')}
      >
        Deny
      </button>
      {note && (
        <span className={note.ok ? 'approve-note' : 'approve-note error'} role={note.ok ? 'status' : 'alert'}>
          {note.ok ? `✓ ${note.text}` : note.text}
        </span>
      )}
    </span>
  );
}
