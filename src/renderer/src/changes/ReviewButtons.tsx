// The review entry points the tab bar and the session cards show: "Changes" (opens the Changes view
// of that session), the pull request's link, and on a merged session's card a "merged" badge with
// a Clean up button (confirmed first). Self-contained so the bars that host them change by a line.
import { useState } from 'react';
import type { SessionInfo } from '../../../shared/model.ts';
import { api } from '../api.ts';
import { Dialog } from '../components/Dialog.tsx';
import { describe } from './actions.ts';
import { ChangesView } from './ChangesView.tsx';

export function ChangesButton({ session, compact }: { session: SessionInfo; compact?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={compact ? 'tab-changes' : 'btn small'}
        aria-label={`Changes of ${session.branch}`}
        title="What the agent changed: diff, commit, merge, push, pull request"
        onClick={() => setOpen(true)}
      >
        Changes
      </button>
      {session.prUrl && (
        <a className="pr-link" href={session.prUrl} target="_blank" rel="noreferrer" title={session.prUrl}>
          PR
        </a>
      )}
      {open && <ChangesView session={session} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Where the branch stands against its base; "merged" and Clean up once Orchard merged it. */
export function MergedBits({ session: s }: { session: SessionInfo }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const standing =
    s.ahead !== undefined ? (
      <span className="ahead-behind" title={`${s.ahead} ahead of ${s.base}, ${s.behind ?? 0} behind`}>
        ↑{s.ahead} ↓{s.behind ?? 0}
      </span>
    ) : null;
  if (!s.merged) return standing;
  const cleanup = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.request('cleanup', { id: s.id });
      setConfirming(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {standing}
      <span className="badge merged" title={`merged into ${s.merged.split(' ')[0]}`}>
        merged
      </span>
      <button
        type="button"
        className="btn small"
        aria-label={`Clean up ${s.branch}`}
        onClick={() => setConfirming(true)}
      >
        Clean up
      </button>
      {confirming && (
        <Dialog
          title={`Clean up ${s.branch}?`}
          busy={busy}
          onClose={() => setConfirming(false)}
          onSubmit={() => void cleanup()}
          footer={
            <>
              <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button type="submit" className="btn primary" disabled={busy}>
                {busy ? 'Cleaning up…' : 'Clean up'}
              </button>
            </>
          }
        >
          <p>
            {describe('cleanup', s, null, { message: '', mode: 'merge', deleteWorktree: false, title: '' })}
          </p>
          {error && (
            <p className="changes-error" role="alert">
              {error}
            </p>
          )}
        </Dialog>
      )}
    </>
  );
}
