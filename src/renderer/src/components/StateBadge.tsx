// A session state as a coloured dot plus words: colour alone never carries the meaning.
import { stateLabel } from '../../../shared/fleet.ts';
import type { SessionInfo, SessionState } from '../../../shared/model.ts';

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
