// Sessions whose agent is not running any more: stopped (the tmux session is gone: a reboot, a dead
// tmux server; only Orchard's record is left) or exited (the agent ended inside its tmux session).
// They keep their tabs and cards, with Resume (the conversation), Restart (fresh) and, for stopped
// ones, Forget (drop the record; the worktree stays). A host whose sessions are all stopped (its
// tmux server is new) gets one "Resume all".
import { useRef, useState, type ReactNode } from 'react';
import type { SessionInfo } from '../../../shared/model.ts';

export type Revival = 'resume' | 'restart' | 'forget';

const DEAD = new Set(['stopped', 'exited']);

export function isRevivable(s: Pick<SessionInfo, 'state'>): boolean {
  return DEAD.has(s.state);
}

export function lastSeenText(s: Pick<SessionInfo, 'lastSeen'>): string {
  if (!s.lastSeen) return '';
  const d = new Date(s.lastSeen);
  return Number.isNaN(d.getTime()) ? '' : `last seen ${d.toLocaleString()}`;
}

export function ReviveActions({
  session: s,
  onRevive,
}: {
  session: SessionInfo;
  onRevive: (id: string, how: Revival) => Promise<void> | void;
}) {
  const [busy, setBusy] = useState(false);
  if (!isRevivable(s)) return null;
  const run = (how: Revival) => {
    setBusy(true);
    void Promise.resolve(onRevive(s.id, how)).finally(() => setBusy(false));
  };
  return (
    <span className="revive-actions">
      <button
        type="button"
        className="btn small primary"
        disabled={busy}
        aria-label={`Resume ${s.branch}`}
        title="Start the agent again, resuming its conversation where it can"
        onClick={() => run('resume')}
      >
        Resume
      </button>
      <button
        type="button"
        className="btn small"
        disabled={busy}
        aria-label={`Restart ${s.branch}`}
        title="Start the agent again with a fresh conversation"
        onClick={() => run('restart')}
      >
        Restart
      </button>
      {s.state === 'stopped' && (
        <button
          type="button"
          className="btn small danger-ghost"
          disabled={busy}
          aria-label={`Forget ${s.branch}`}
          title="Drop Orchard's record of this session (its worktree and branch are kept)"
          onClick={() => run('forget')}
        >
          Forget
        </button>
      )}
    </span>
  );
}

/**
 * One tab's panel: the terminal while there is a tmux session to attach to, a notice with the
 * revive buttons when the agent is not running. `children(key)` renders the terminal; the key
 * changes each time the session comes back, so a fresh terminal attaches to the new tmux session.
 */
export function SessionPanel({
  session: s,
  onRevive,
  children,
}: {
  session: SessionInfo;
  onRevive: (id: string, how: Revival) => Promise<void> | void;
  children: (key: string) => ReactNode;
}) {
  const generation = useRef(0);
  const previous = useRef(s.state);
  if (DEAD.has(previous.current) && !DEAD.has(s.state)) generation.current++;
  previous.current = s.state;
  const notice = isRevivable(s) && (
    <div className={`revive-notice ${s.state}`} role="status">
      <span className="revive-text">
        {s.state === 'stopped'
          ? `Stopped: the tmux session of ${s.branch} is gone (a reboot, or its tmux server ended)${lastSeenText(s) ? `; ${lastSeenText(s)}` : ''}.`
          : `The agent of ${s.branch} exited${s.exitCode !== undefined ? ` (code ${s.exitCode})` : ''}.`}
      </span>
      <ReviveActions session={s} onRevive={onRevive} />
    </div>
  );
  return (
    <>
      {notice}
      {s.state !== 'stopped' && children(`${s.id}:${generation.current}`)}
    </>
  );
}

/** Hosts whose recorded sessions are all stopped: their tmux server is new (a reboot, a crash). */
export function freshHosts(sessions: readonly SessionInfo[]): Array<{ host: string; count: number }> {
  const byHost = new Map<string, SessionInfo[]>();
  for (const s of sessions) byHost.set(s.host, [...(byHost.get(s.host) ?? []), s]);
  return [...byHost]
    .filter(([, list]) => list.every((s) => s.state === 'stopped'))
    .map(([host, list]) => ({ host, count: list.length }));
}

export function ResumeAllBanner({
  sessions,
  onResumeAll,
}: {
  sessions: readonly SessionInfo[];
  onResumeAll: (host: string) => Promise<void>;
}) {
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const hosts = freshHosts(sessions).filter((h) => !dismissed.has(h.host));
  if (!hosts.length) return null;
  return (
    <div className="notices resume-all-box">
      {hosts.map((h) => (
        <div
          key={h.host}
          className="notice resume-all"
          role="status"
          aria-label={`Stopped sessions on ${h.host}`}
        >
          <span className="notice-text">
            {h.count === 1 ? '1 session' : `${h.count} sessions`} on {h.host} stopped: its tmux server is new
            (a reboot, or the server ended).
          </span>
          <button
            type="button"
            className="btn small primary"
            disabled={busy === h.host}
            onClick={() => {
              setBusy(h.host);
              void onResumeAll(h.host).finally(() => setBusy(null));
            }}
          >
            Resume all
          </button>
          <button
            type="button"
            className="btn small"
            onClick={() => setDismissed(new Set([...dismissed, h.host]))}
          >
            Not now
          </button>
        </div>
      ))}
    </div>
  );
}
