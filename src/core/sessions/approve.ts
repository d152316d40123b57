// Approve / deny a session's permission request, one session or a batch. The session's state and
// its screen are read in ONE tmux invocation (display-message + capture-pane, one command queue)
// right before the keys are sent: a session that no longer waits for permission, or waits for
// another request than the one the user saw (`expect`), is refused and nothing is typed into it.
import type {
  ApprovalDecision,
  ApproveAllParams,
  ApproveAllResult,
  ApproveItem,
  ApproveParams,
  ApproveResult,
} from '../../shared/approve.ts';
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import type { AgentProfile, SessionInfo } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import { deriveState } from '../status/derive.ts';
import { PANE_FORMAT, parsePanes } from '../tmux/format.ts';
import { RECORD_END } from '../tmux/escape.ts';
import type { Tmux } from '../tmux/tmux.ts';
import { approvalSpec, keysFor, parseDialog, pickOption } from './approve-dialog.ts';

export interface PaneNow {
  /** The hook-written state and when it was written (seconds), when the agent reports through hooks. */
  hook?: { state: string; at: string };
  state: string;
  reason?: string;
  detail?: string;
  screen: string;
}

/** The pane's derived state and its visible screen, from one tmux call. */
export async function readPaneNow(tmux: Tmux, paneId: string): Promise<PaneNow> {
  const r = await tmux.run([
    'display-message',
    '-p',
    '-t',
    paneId,
    PANE_FORMAT,
    ';',
    'capture-pane',
    '-p',
    '-t',
    paneId,
  ]);
  if (r.code !== 0)
    throw new OrchardError(
      'session-not-found',
      `cannot read the session's pane: ${r.stderr.trim() || `exit ${r.code}`}`,
    );
  const cut = r.stdout.indexOf(RECORD_END);
  const pane = parsePanes(r.stdout.slice(0, cut + 1))[0];
  if (cut < 0 || !pane) throw new OrchardError('internal', 'tmux did not report the pane');
  const d = deriveState(pane, Date.now());
  return {
    ...(pane['@orchard_state']
      ? { hook: { state: pane['@orchard_state'], at: pane['@orchard_state_at'] } }
      : {}),
    state: d.state,
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.detail ? { detail: d.detail } : {}),
    screen: r.stdout.slice(cut + 1).replace(/^\n/, ''),
  };
}

async function profileOf(engine: Engine, s: SessionInfo): Promise<AgentProfile> {
  try {
    return await engine.profile(s.agent);
  } catch {
    // A `--command` session or a profile removed since: the generic rules.
    return { id: s.agent, label: s.agent, kind: 'custom', command: [] };
  }
}

const refuse = (msg: string) => new OrchardError('invalid-argument', msg);

/** How long a permission request's dialog may take to appear after its hook: 6 × 150 ms. */
const DIALOG_WAIT_TRIES = 6;
const DIALOG_WAIT_MS = 150;
const isPermission = (now: PaneNow) => now.state === 'waiting' && now.reason === 'permission';

/** Answer one session's permission request on its screen; refuses (sending nothing) when stale. */
export async function approve(engine: Engine, p: ApproveParams): Promise<ApproveResult> {
  const s = await engine.find(p.id);
  if (s.state === 'stopped' || s.state === 'exited')
    throw refuse(`session ${p.id} is ${s.state}: there is nothing to answer`);
  if (s.headless)
    throw refuse(
      `session ${p.id} is headless: its agent was denied the tool (print mode asks no one); allow it in the agent's settings and send the request again`,
    );
  const [ctx, profile] = await Promise.all([engine.hosts.get(s.host), profileOf(engine, s)]);
  let now = await readPaneNow(ctx.tmux, s.paneId);
  // The hook fires a moment before the agent has drawn its dialog: a click on a fresh notification
  // reads the screen again (briefly) instead of refusing a request that is really there.
  for (let i = 0; i < DIALOG_WAIT_TRIES && isPermission(now) && !parseDialog(now.screen); i++) {
    await new Promise((r) => setTimeout(r, DIALOG_WAIT_MS));
    now = await readPaneNow(ctx.tmux, s.paneId);
  }
  if (now.state !== 'waiting' || now.reason !== 'permission')
    throw refuse(
      `session ${p.id} is not waiting for permission (it is ${now.state}${now.reason ? `(${now.reason})` : ''}); nothing was sent`,
    );
  if (p.expect !== undefined && (now.detail ?? '') !== p.expect)
    throw refuse(
      `session ${p.id} now asks about "${now.detail ?? '?'}", not "${p.expect}"; nothing was sent — look again`,
    );
  const dialog = parseDialog(now.screen);
  if (!dialog) throw refuse(`session ${p.id} shows no permission dialog on its screen; nothing was sent`);
  const spec = approvalSpec(profile);
  const option = pickOption(dialog, p.decision, spec);
  if (typeof option === 'string') throw refuse(`session ${p.id}: ${option}; nothing was sent`);
  const keys = keysFor(dialog, option, spec.keys);
  if (typeof keys === 'string') throw refuse(`session ${p.id}: ${keys}; nothing was sent`);
  await sendGuarded(ctx.tmux, s.paneId, keys, now, p.id);
  await resendIfDropped(ctx.tmux, s.paneId, keys, now, p.id);
  return {
    id: s.id,
    decision: p.decision,
    option: option.text,
    keys,
    ...(now.detail ? { detail: now.detail } : {}),
  };
}

/** How long the dialog may stay drawn after the answer before the answer counts as dropped. */
const DROPPED_AFTER_TRIES = 8;
const DROPPED_POLL_MS = 250;

/**
 * A key that reaches the agent in the instant its dialog is drawn can be lost (seen once in CI with
 * the real Claude Code: the keys went in, the dialog stayed, nothing ran). If 2 s later the very
 * same request still waits (same hook time stamp, the same dialog on screen), the answer is sent
 * once more, through the same guard: had the agent taken the first, its hooks have moved on and
 * the guard sends nothing.
 */
async function resendIfDropped(
  tmux: Tmux,
  paneId: string,
  keys: string[],
  before: PaneNow,
  id: string,
): Promise<void> {
  if (!before.hook) return; // no time stamp to tell the same request from a new one
  const shown = JSON.stringify(parseDialog(before.screen));
  for (let i = 0; i < DROPPED_AFTER_TRIES; i++) {
    await new Promise((r) => setTimeout(r, DROPPED_POLL_MS));
    const now = await readPaneNow(tmux, paneId).catch(() => undefined);
    const same =
      now?.hook?.state === 'waiting' &&
      now.hook.at === before.hook.at &&
      JSON.stringify(parseDialog(now.screen)) === shown;
    if (!same) return;
  }
  await sendGuarded(tmux, paneId, keys, before, id).catch(() => undefined);
}

/**
 * Send the keys only if the hook state is still the one just read (same state, same time stamp):
 * tmux checks it in its own command queue (`if-shell -F`), so nothing can slip in between the check
 * and the keys. The command string holds only the pane id, digits and key names (checked here) and
 * the time stamp (digits): no data from the agent. Agents without hooks: a plain send.
 */
export async function sendGuarded(
  tmux: Tmux,
  paneId: string,
  keys: string[],
  now: PaneNow,
  id: string,
): Promise<void> {
  const at = now.hook?.at ?? '';
  if (now.hook?.state !== 'waiting' || !/^\d+$/.test(at)) return tmux.sendKeys(paneId, keys);
  if (!/^%\d+$/.test(paneId) || !keys.every((k) => /^(\d{1,2}|Enter|Up|Down)$/.test(k)))
    throw new OrchardError('internal', `unexpected pane ${paneId} or keys ${keys.join(' ')}`);
  const same = `#{&&:#{==:#{@orchard_state},waiting},#{==:#{@orchard_state_at},${at}}}`;
  const r = await tmux.run([
    'if-shell',
    '-F',
    '-t',
    paneId,
    same,
    `send-keys -t ${paneId} ${keys.join(' ')} ; display-message -p sent`,
    'display-message -p changed',
  ]);
  if (r.code !== 0) throw new OrchardError('command-failed', `tmux send-keys failed: ${r.stderr.trim()}`);
  if (r.stdout.trim() !== 'sent')
    throw refuse(`session ${id} changed state just before the answer; nothing was sent — look again`);
}

/** "Edit notes.txt" → "Edit": the tool a permission request is about. */
export function toolOf(detail: string | undefined): string {
  return (detail ?? '').split(/\s+/)[0] ?? '';
}

export function waitingForPermission(s: SessionInfo): boolean {
  return s.state === 'waiting' && s.reason === 'permission';
}

/** The sessions a batch would answer: waiting for permission, narrowed by ids / repo / host / tool. */
export function batchTargets(sessions: SessionInfo[], p: Omit<ApproveAllParams, 'decision'>): SessionInfo[] {
  const tool = p.tool?.toLowerCase();
  return sessions.filter(
    (s) =>
      waitingForPermission(s) &&
      (!p.ids || p.ids.includes(s.id)) &&
      (!p.repo || s.repo === p.repo) &&
      (!p.host || s.host === p.host) &&
      (!tool || toolOf(s.detail).toLowerCase() === tool),
  );
}

/**
 * Answer every matching waiting session, each with the request it was listed with (so one that
 * moved on meanwhile is refused, not answered blindly). Sessions are answered in parallel; one
 * failure does not stop the others.
 */
export async function approveAll(engine: Engine, p: ApproveAllParams): Promise<ApproveAllResult> {
  const targets = batchTargets(await engine.list(), p);
  const base = (s: SessionInfo) => ({
    id: s.id,
    repo: s.repo,
    branch: s.branch,
    host: s.host,
    ...(s.detail ? { detail: s.detail } : {}),
  });
  const items: ApproveItem[] = await Promise.all(
    targets.map(async (s): Promise<ApproveItem> => {
      if (p.dryRun) return { ...base(s), ok: true };
      try {
        const r = await approve(engine, { id: s.id, decision: p.decision, expect: s.detail ?? '' });
        return { ...base(s), ok: true, option: r.option };
      } catch (e) {
        return { ...base(s), ok: false, error: toErrorValue(e).message };
      }
    }),
  );
  return { dryRun: !!p.dryRun, decision: p.decision, items };
}

export const DECISIONS: readonly ApprovalDecision[] = ['yes', 'always', 'no'];
