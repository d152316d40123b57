// The screen check: hooks are the fast signal, the screen is the check. Hooks miss transitions (a
// denied permission, an Esc during a turn, a first-run dialog before any hook fires), so a session
// that sits in a state no hook has confirmed for a while gets its screen judged in the host's one
// batched capture, and an agreeing verdict (seen twice in a row) is written to the pane like a
// hook's state, with @orchard_state_src=screen. This file is the policy; the host monitor owns the
// cadence and the batching, patterns.ts the reading of a screen.
import type { AgentProfile } from '../../shared/model.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { agentScreenModel } from './screens/index.ts';
import { STARTING_GRACE_MS } from './derive.ts';
import { readScreen, type ScreenVerdict } from './patterns.ts';

export type { ScreenVerdict };

type ProfileLike = Pick<AgentProfile, 'id' | 'kind' | 'screenPatterns'>;

/**
 * A hook state older than this without a new hook event gets its screen checked (state_at has
 * whole seconds: 1-2 s in fact). Long enough for the agent to draw what its hook announced (a
 * dialog follows PermissionRequest by ~50 ms), short enough that a denial is seen within 2 s.
 */
export const UNCONFIRMED_AFTER_MS = 1_000;
/** How long an idle written by the screen check is still checked (see needsScreenCheck). */
export const RECHECK_IDLE_MS = 5_000;
/** A session with no state at all is checked from this age on (first-run dialogs fire no hook). */
export const FIRST_CHECK_AFTER_MS = 1_000;

/** Agents whose state normally comes from hooks (the screen only corrects them). */
export function hasHooks(profile: ProfileLike | undefined): boolean {
  return profile?.kind === 'claude';
}

/** What the screen shows, judged from the region that matters. */
export function judgeScreen(screen: string, profile: ProfileLike): ScreenVerdict {
  // A profile's own patterns extend the line patterns; without them, the agent's screen model
  // (Codex, Gemini CLI, OpenCode: src/core/status/screens/) reads the region that matters.
  const model = profile.screenPatterns ? undefined : agentScreenModel(profile.kind);
  if (model) return model(screen);
  return readScreen(screen, profile) ?? { state: 'unknown' };
}

/**
 * Whether this pane's screen should be read on this tick. `seenMs`: when the caller (the host
 * monitor) first saw the pane's current hook state. @orchard_state_at has whole seconds, so a
 * state written at 12.99 s is "1 s old" at 13.0 s; without `seenMs` the screen could be judged a few
 * milliseconds after PermissionRequest, before the dialog is drawn, and a spinner still on screen
 * would overrule the hook.
 */
export function needsScreenCheck(
  p: PaneRecord,
  profile: ProfileLike | undefined,
  nowMs: number,
  seenMs?: number,
): boolean {
  if (p.pane_dead === '1' || !p['@orchard_id']) return false;
  // A headless agent draws no screen: its state comes from its own stream (sessions/headless.ts).
  if (p['@orchard_headless']) return false;
  if (!hasHooks(profile)) return true;
  const state = p['@orchard_state'];
  // No hook yet (a trust dialog comes before SessionStart), or SessionStart fired (an offer to
  // make auto mode the default comes after it), or nothing known: look.
  if (state === '') return nowMs - Number(p.session_created) * 1000 >= FIRST_CHECK_AFTER_MS;
  if (state === 'starting' || state === 'unknown') return true;
  const at = Math.max(Number(p['@orchard_state_at']) * 1000, seenMs ?? 0);
  const age = Number.isFinite(at) ? nowMs - at : Infinity;
  const fromScreen = p['@orchard_state_src'] === 'screen';
  // An idle the screen wrote is looked at a little longer: had a hook written "working" between
  // the monitor's read and its write, the next looks put it right.
  if (state === 'idle') return fromScreen && age < RECHECK_IDLE_MS;
  if (state !== 'working' && state !== 'waiting') return false;
  // A state the screen set has no hook to end it (a dialog answered, a turn interrupted): look on.
  return fromScreen || age >= UNCONFIRMED_AFTER_MS;
}

/** A stable key for the debounce: two captures in a row must give the same key. */
export function verdictKey(v: ScreenVerdict): string {
  return v.state === 'waiting' ? `waiting:${v.reason}` : v.state;
}

/**
 * The pane options to write for a stable verdict, or null when the pane already says so. A screen
 * that matches nothing leaves a hook's state alone, and says nothing while the agent boots
 * (STARTING_GRACE_MS); after that it marks a session no hook speaks for as unknown. A waiting
 * verdict on a session whose hook already says waiting keeps the hook's reason and detail (richer
 * than the screen's), except for a first-run dialog.
 */
export function verdictUpdate(
  p: PaneRecord,
  profile: ProfileLike | undefined,
  v: ScreenVerdict,
  nowMs: number,
): Record<string, string> | null {
  const hooked = hasHooks(profile);
  const state = p['@orchard_state'];
  const booting = nowMs - Number(p.session_created) * 1000 < STARTING_GRACE_MS;
  if (v.state === 'unknown') {
    if (booting || state === 'unknown') return null;
    if (hooked && state !== '' && state !== 'starting') return null;
  }
  const reason = v.state === 'waiting' ? v.reason : '';
  const detail = v.state === 'waiting' || v.state === 'working' ? (v.detail ?? '') : '';
  if (
    hooked &&
    v.state === 'waiting' &&
    state === 'waiting' &&
    p['@orchard_state_src'] !== 'screen' &&
    v.reason !== 'setup' &&
    p['@orchard_reason'] !== 'setup'
  )
    return null;
  if (
    state === v.state &&
    p['@orchard_reason'] === reason &&
    (p['@orchard_state_src'] === 'screen' || v.state === 'idle' || v.state === 'working')
  )
    return null;
  return {
    '@orchard_state': v.state,
    '@orchard_reason': reason,
    '@orchard_detail': detail,
    '@orchard_state_at': String(Math.floor(nowMs / 1000)),
    '@orchard_state_src': 'screen',
  };
}
