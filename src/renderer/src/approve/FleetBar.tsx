// Above the session cards: select waiting sessions (all, or all waiting for one tool), Approve all /
// Deny all with a result per session, and "Send to selected" (one prompt to many agents).
import { useState } from 'react';
import type { ApprovalDecision, ApproveItem, BroadcastItem } from '../../../shared/approve.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { api } from '../api.ts';
import { waitsForPermission } from './ApproveButtons.tsx';
import { selection, useSelection } from './selection.ts';

const toolOf = (s: SessionInfo) => (s.detail ?? '').split(/\s+/)[0] ?? '';

type Outcome = { kind: 'approve'; items: ApproveItem[] } | { kind: 'send'; items: BroadcastItem[] };

export function FleetBar({ sessions }: { sessions: SessionInfo[] }) {
  const sel = useSelection();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = new Set(sessions.map((s) => s.id));
  const chosen = [...sel].filter((id) => live.has(id));
  const waiting = sessions.filter(waitsForPermission);
  const tools = [...new Set(waiting.map(toolOf).filter(Boolean))].sort();
  const chosenWaiting = chosen.filter((id) => waiting.some((s) => s.id === id));

  const run = async (f: () => Promise<Outcome>) => {
    setBusy(true);
    setError(null);
    try {
      setOutcome(await f());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const answer = (decision: ApprovalDecision) =>
    run(async () => ({
      kind: 'approve',
      items: (await api.request('approveAll', { decision, ids: chosenWaiting })).items,
    }));
  const send = () =>
    run(async () => {
      const r = await api.request('broadcast', { ids: chosen, text });
      setText('');
      return { kind: 'send', items: r.items };
    });
  const name = (id: string) => sessions.find((s) => s.id === id)?.branch ?? id;

  return (
    <section className="fleetbar" aria-label="Several sessions">
      <div className="fleetbar-row">
        <span className="muted">{chosen.length} selected</span>
        <button
          type="button"
          className="btn small"
          onClick={() => selection.replace(waiting.map((s) => s.id))}
        >
          Select all waiting ({waiting.length})
        </button>
        {tools.map((t) => (
          <button
            key={t}
            type="button"
            className="btn small"
            onClick={() => selection.replace(waiting.filter((s) => toolOf(s) === t).map((s) => s.id))}
          >
            All waiting for {t}
          </button>
        ))}
        {chosen.length > 0 && (
          <button type="button" className="btn small ghost" onClick={() => selection.clear()}>
            Clear
          </button>
        )}
        <button
          type="button"
          className="btn small approve-yes"
          disabled={busy || !chosenWaiting.length}
          onClick={() => void answer('yes')}
        >
          Approve all ({chosenWaiting.length})
        </button>
        <button
          type="button"
          className="btn small danger-ghost"
          disabled={busy || !chosenWaiting.length}
          onClick={() => void answer('no')}
        >
          Deny all
        </button>
      </div>
      <form
        className="fleetbar-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (text && chosen.length) void send();
        }}
      >
        <input
          className="fleetbar-text"
          aria-label="Text to send to the selected sessions"
          placeholder="A prompt for every selected agent…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn small primary" disabled={busy || !text || !chosen.length}>
          Send to selected ({chosen.length})
        </button>
      </form>
      {error && (
        <p className="fleetbar-error" role="alert">
          {error}
        </p>
      )}
      {outcome && (
        <ul className="fleetbar-results" aria-label="Results">
          {outcome.items.map((i) => {
            const ok = 'delivered' in i ? i.delivered : i.ok;
            const how = 'delivered' in i ? 'delivered' : (i.option ?? 'answered');
            return (
              <li key={i.id} className={ok ? 'ok' : 'failed'}>
                <strong>{name(i.id)}</strong>: {ok ? how : `not done — ${i.error ?? ''}`}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
