// A session's state from what tmux reports in the one list-panes call, most trusted first:
// pane death and exit status (and why: a memory limit, else the agent's last words); the
// `@orchard_state` written by the agent's hooks or by the screen check (`@orchard_state_src`);
// the older screen verdict `@orchard_screen`; else starting for a few seconds, then idle.
import type { SessionInfo, SessionState } from '../../shared/model.ts';
import { formatBytes } from '../../shared/units.ts';
import { decodeLimitsTag } from '../limits/spec.ts';
import type { PaneRecord } from '../tmux/format.ts';

export const STARTING_GRACE_MS = 5_000;

export interface DerivedState {
  state: SessionState;
  reason?: string;
  detail?: string;
  exitCode?: number;
}

const SIGKILL_EXIT = 128 + 9;

/**
 * Why a dead pane's agent ended, when Orchard knows: its memory limit, else (for a failure) the
 * last lines it printed, which the pane's wrapper recorded ("Claude Code didn't start because this
 * folder isn't trusted. …").
 */
export function exitReason(p: PaneRecord, code: number | undefined): string | undefined {
  const tag = decodeLimitsTag(p['@orchard_limits']);
  const limit = tag?.memory ? ` ${formatBytes(tag.memory)}` : '';
  if (p['@orchard_killed'] === 'memory') return `killed: memory limit${limit}`;
  if (p['@orchard_killed'] === 'memory-soft')
    return `killed: memory limit${limit} (soft limit, stopped by Orchard)`;
  // systemd scopes are gone by the time the wrapper looks; SIGKILL under a memory limit says enough.
  if (code === SIGKILL_EXIT && tag?.memory) return `killed (SIGKILL) under memory limit${limit}`;
  if (code !== 0 && p['@orchard_last_words']) return p['@orchard_last_words'];
  return undefined;
}

function fromHook(p: PaneRecord, nowMs: number): DerivedState | undefined {
  const reason = p['@orchard_reason'] || undefined;
  const detail = p['@orchard_detail'] ? { detail: p['@orchard_detail'] } : {};
  switch (p['@orchard_state']) {
    case 'starting': {
      // The setup phase before the agent (src/core/sessions/setup.ts): reason 'setup', as long as it runs.
      if (reason === 'setup') return { state: 'starting', reason };
      // SessionStart fired; a first-run dialog may follow, which the screen check (running from
      // the first second) turns into waiting(setup). Where nothing checks the screen (the CLI
      // alone), the agent is taken to be at its prompt after the grace, as before hooks said more.
      const at = Number(p['@orchard_state_at']) * 1000;
      return { state: Number.isFinite(at) && nowMs - at < STARTING_GRACE_MS ? 'starting' : 'idle' };
    }
    case 'working':
      return { state: 'working' };
    case 'waiting':
      return { state: 'waiting', reason: reason ?? 'input', ...detail };
    case 'idle':
      return { state: 'idle' };
    case 'error':
      // StopFailure: the turn ended on an API error; the agent waits for the user.
      return { state: 'waiting', reason: 'error', ...detail };
    case 'exited':
      return { state: 'exited' };
    case 'unknown':
      return { state: 'unknown' };
  }
  return undefined;
}

/** `@orchard_screen`: "working", "idle", "waiting:permission", "waiting:question". */
function fromScreen(p: PaneRecord): DerivedState | undefined {
  const [state, reason] = p['@orchard_screen'].split(':');
  if (state === 'working' || state === 'idle') return { state };
  if (state === 'waiting') return { state: 'waiting', reason: reason || 'input' };
  return undefined;
}

export function deriveState(p: PaneRecord, nowMs: number): DerivedState {
  if (p.pane_dead === '1') {
    // Our wrapper's record first: tmux 3.3a sometimes loses pane_dead_status.
    const raw = p['@orchard_exit'] !== '' ? p['@orchard_exit'] : p.pane_dead_status;
    const code = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    const reason = exitReason(p, code);
    return {
      state: 'exited',
      ...(code !== undefined ? { exitCode: code } : {}),
      ...(reason ? { reason } : {}),
    };
  }
  const hooked = fromHook(p, nowMs) ?? fromScreen(p);
  if (hooked) return hooked;
  const created = Number(p.session_created) * 1000;
  return { state: nowMs - created < STARTING_GRACE_MS ? 'starting' : 'idle' };
}

/** Where the state came from, since when, and the agent's permission mode: for SessionInfo. */
export function stateProvenance(
  p: PaneRecord,
): Pick<SessionInfo, 'permissionMode' | 'stateSource' | 'stateAt'> {
  const at = Number(p['@orchard_state_at']);
  const live = p.pane_dead !== '1' && p['@orchard_state'] !== '';
  return {
    ...(p['@orchard_mode'] ? { permissionMode: p['@orchard_mode'] } : {}),
    ...(live
      ? { stateSource: p['@orchard_state_src'] === 'screen' ? ('screen' as const) : ('hook' as const) }
      : {}),
    ...(p['@orchard_state_at'] && Number.isFinite(at) && at > 0
      ? { stateAt: new Date(at * 1000).toISOString() }
      : {}),
  };
}

/** True when the agent reports its own state (hooks); screen patterns are not needed then. */
export function hasHookState(p: PaneRecord): boolean {
  return p['@orchard_state'] !== '';
}
