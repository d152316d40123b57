// A session state as a coloured dot plus words: colour alone never carries the meaning.
import type { SessionInfo, SessionState } from '../../../shared/model.ts';

export function stateLabel(s: Pick<SessionInfo, 'state' | 'reason' | 'exitCode'>): string {
  if (s.state === 'waiting') return s.reason ? `waiting · ${shortReason(s.reason)}` : 'waiting';
  if (s.state === 'exited') return s.exitCode !== undefined ? `exited ${s.exitCode}` : 'exited';
  return s.state;
}

function shortReason(reason: string): string {
  return reason.length > 28 ? `${reason.slice(0, 27)}…` : reason;
}

export function stateClass(state: SessionState, exitCode?: number): string {
  if (state === 'exited' && exitCode !== undefined && exitCode !== 0) return 'state-failed';
  return `state-${state}`;
}

export function StateBadge({
  session,
  compact = false,
}: {
  session: Pick<SessionInfo, 'state' | 'reason' | 'exitCode'>;
  compact?: boolean;
}) {
  const label = stateLabel(session);
  return (
    <span className={`badge ${stateClass(session.state, session.exitCode)}`} title={session.reason ?? label}>
      <span className="dot" aria-hidden="true" />
      <span className={compact ? 'badge-text sr-only' : 'badge-text'}>{label}</span>
    </span>
  );
}
