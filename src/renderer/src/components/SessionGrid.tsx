// Every session, open in a tab or not, as cards: open it, or terminate it (with confirmation).
import { useEffect, useState } from 'react';
import type { SetupAction } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { formatBytes } from '../../../shared/units.ts';
import { PortChips } from './PortChips.tsx';
import { StateBadge } from './StateBadge.tsx';
import { lastSeenText, ReviveActions, type Revival } from './Revive.tsx';
import { ChangesButton, MergedBits } from '../changes/ReviewButtons.tsx';
import { ApproveButtons } from '../approve/ApproveButtons.tsx';
import { FleetBar } from '../approve/FleetBar.tsx';
import { Forwards } from './Forwards.tsx';
import { SelectBox } from '../approve/SelectBox.tsx';

export interface SessionGridProps {
  sessions: SessionInfo[];
  openTabs: string[];
  onOpen: (id: string) => void;
  onTerminate: (id: string) => void;
  onNewSession: () => void;
  onOpenPort?: (id: string, port: number) => void;
  /** Resume / Restart / Forget a stopped or exited session. */
  onRevive?: (id: string, how: Revival) => Promise<void> | void;
  /** Worktree sizes by session id (from the stats), and a failed setup's retry / skip. */
  disk?: Record<string, number>;
  onSetupAction?: (id: string, action: SetupAction) => void;
}

export function uptime(createdAt: string, now: number): string {
  const ms = now - Date.parse(createdAt);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const m = Math.floor(ms / 60_000);
  if (m < 1) return '<1m';
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function SessionGrid(p: SessionGridProps) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  if (p.sessions.length === 0)
    return (
      <div className="empty">
        <p>No sessions yet.</p>
        <button type="button" className="btn primary" onClick={p.onNewSession}>
          New session
        </button>
      </div>
    );

  return (
    <>
      <FleetBar sessions={p.sessions} />
      <Forwards />
      <ul className="grid" aria-label="All sessions">
        {p.sessions.map((s) => (
          <li
            key={s.id}
            className={`card ${p.openTabs.includes(s.id) ? 'is-open' : ''}`}
            aria-label={s.branch}
          >
            <div className="card-head">
              <SelectBox session={s} />
              <span className="card-branch ellipsis" title={s.branch}>
                {s.branch}
              </span>
              <StateBadge session={s} />
            </div>
            {s.detail && s.state === 'waiting' && <p className="card-detail ellipsis">{s.detail}</p>}
            <ApproveButtons session={s} />
            {p.onOpenPort && <PortChips session={s} onOpen={p.onOpenPort} />}
            <dl className="card-facts">
              <dt>repo</dt>
              <dd className="ellipsis" title={s.repoPath}>
                {s.repo}
              </dd>
              <dt>host</dt>
              <dd>{s.host}</dd>
              <dt>agent</dt>
              <dd>{s.headless ? `${s.agent} (headless)` : s.agent}</dd>
              <dt>uptime</dt>
              <dd>{s.state === 'stopped' ? lastSeenText(s) || '—' : uptime(s.createdAt, now)}</dd>
              {p.disk?.[s.id] !== undefined && (
                <>
                  <dt>disk</dt>
                  <dd title="Size of the worktree Orchard made">{formatBytes(p.disk[s.id]!)}</dd>
                </>
              )}
            </dl>
            {s.setup === 'failed' && p.onSetupAction && (
              <div className="card-actions">
                <button type="button" className="btn small" onClick={() => p.onSetupAction!(s.id, 'retry')}>
                  Retry setup
                </button>
                <button type="button" className="btn small" onClick={() => p.onSetupAction!(s.id, 'skip')}>
                  Start agent anyway
                </button>
              </div>
            )}
            <div className="card-actions">
              {p.onRevive && <ReviveActions session={s} onRevive={p.onRevive} />}
              <button
                type="button"
                className="btn small primary"
                aria-label={`Open ${s.branch}`}
                onClick={() => p.onOpen(s.id)}
              >
                Open
              </button>
              <ChangesButton session={s} />
              <MergedBits session={s} />
              <button
                type="button"
                className="btn small danger-ghost"
                aria-label={`Terminate ${s.branch}`}
                onClick={() => p.onTerminate(s.id)}
              >
                Terminate
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
