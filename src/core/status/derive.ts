// A session's state from what tmux reports in the one list-panes call: the hook-written
// `@orchard_state` first, then pane death and exit status.
import type { SessionState } from '../../shared/model.ts';
import type { PaneRecord } from '../tmux/format.ts';

export const STARTING_GRACE_MS = 5_000;

export interface DerivedState {
  state: SessionState;
  reason?: string;
  exitCode?: number;
}

export function deriveState(p: PaneRecord, nowMs: number): DerivedState {
  if (p.pane_dead === '1') {
    // Our wrapper's record first: tmux 3.3a sometimes loses pane_dead_status.
    const raw = p['@orchard_exit'] !== '' ? p['@orchard_exit'] : p.pane_dead_status;
    const code = Number(raw);
    return { state: 'exited', ...(raw !== '' && Number.isFinite(code) ? { exitCode: code } : {}) };
  }
  const reason = p['@orchard_reason'] || undefined;
  switch (p['@orchard_state']) {
    case 'working':
      return { state: 'working' };
    case 'waiting':
      return { state: 'waiting', reason: reason ?? 'input' };
    case 'idle':
      return { state: 'idle' };
    case 'error':
      // StopFailure: the turn ended on an error; the agent waits for the user.
      return { state: 'waiting', reason: 'error' };
    case 'exited':
      return { state: 'exited' };
  }
  const created = Number(p.session_created) * 1000;
  return { state: nowMs - created < STARTING_GRACE_MS ? 'starting' : 'idle' };
}
