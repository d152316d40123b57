// The engine's operations on a session's pane: type text, press keys, read the screen, attach.
// A stopped session (a record without a tmux session) is refused with what to do.
import { MAX_KEYS, TMUX_KEY_PATTERN } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { AgentProfile, SessionInfo } from '../../shared/model.ts';
import { customCommandProfile } from '../agents/profiles.ts';
import { sendBehaviour, sendText } from '../agents/send.ts';
import type { HostRegistry } from '../hosts/registry.ts';
import { judgeScreen } from '../status/screen-check.ts';
import { sendHeadless } from './headless.ts';

export interface PaneDeps {
  hosts: HostRegistry;
  find(id: string): Promise<SessionInfo>;
  profiles(): Promise<AgentProfile[]>;
}

/** Scrollback shown above a dead pane's screen: its error usually scrolled out of view. */
const DEAD_HISTORY_LINES = 20;

/** A session with a tmux session: a stopped one (record only) is refused with what to do. */
async function live(deps: PaneDeps, id: string): Promise<SessionInfo> {
  const s = await deps.find(id);
  if (s.state === 'stopped')
    throw new OrchardError(
      'invalid-argument',
      `session ${id} is stopped (its tmux session is gone); bring it back with orchard resume ${id}`,
    );
  return s;
}

/**
 * Type text into the agent. Refused in a first-run dialog (waiting(setup)) unless forced: the
 * text would answer the dialog ("No, exit" is often the highlighted choice) and be lost. The
 * screen is looked at too (one capture), so the refusal holds where no monitor has judged it yet.
 */
export async function sendToSession(
  deps: PaneDeps,
  id: string,
  text: string,
  enter: boolean,
  force: boolean,
): Promise<void> {
  const s = await live(deps, id);
  // A headless session takes JSON messages through its pipe, not keystrokes.
  if (s.headless) return sendHeadless(await deps.hosts.get(s.host), s, text);
  if (s.state === 'exited')
    throw new OrchardError('invalid-argument', `session ${id} has exited; it cannot take input`);
  const tmux = (await deps.hosts.get(s.host)).tmux;
  if (!force) {
    const dialog =
      s.state === 'waiting' && s.reason === 'setup' ? (s.detail ?? '') : await setupDialog(deps, s);
    if (dialog !== undefined)
      throw new OrchardError(
        'invalid-argument',
        `session ${id} shows a first-run dialog${dialog ? ` (${dialog})` : ''}: text would answer it. ` +
          `Answer it with orchard keys ${id} <key>... or orchard attach ${id}, or send with --force`,
      );
  }
  // The profile's submit key and delay (Gemini CLI drops an Enter in the same write as a paste).
  const profile = (await deps.profiles()).find((p) => p.id === s.agent);
  await sendText(tmux, s.paneId, text, enter, sendBehaviour(profile));
}

/** The question of the first-run dialog on the session's screen, if one is there. */
async function setupDialog(deps: PaneDeps, s: SessionInfo): Promise<string | undefined> {
  const tmux = (await deps.hosts.get(s.host)).tmux;
  const [screen, profiles] = await Promise.all([tmux.capture(s.paneId), deps.profiles()]);
  const profile = profiles.find((p) => p.id === s.agent) ?? customCommandProfile('');
  const v = judgeScreen(screen, profile);
  return v.state === 'waiting' && v.reason === 'setup' ? (v.detail ?? '') : undefined;
}

/** Press keys (tmux key names, checked against TMUX_KEY_PATTERN) in the agent's pane. */
export async function sendKeys(deps: PaneDeps, id: string, keys: readonly string[]): Promise<void> {
  const bad = keys.find((k) => !TMUX_KEY_PATTERN.test(k));
  if (bad !== undefined || keys.length === 0 || keys.length > MAX_KEYS)
    throw new OrchardError(
      'invalid-argument',
      bad !== undefined
        ? `not a key name: ${JSON.stringify(bad)} (Escape, Enter, Up, Down, Tab, BTab, Space, C-c, F1, a character…)`
        : `give 1 to ${MAX_KEYS} keys`,
    );
  const s = await deps.find(id);
  if (s.state === 'exited')
    throw new OrchardError('invalid-argument', `session ${id} has exited; it cannot take keys`);
  await (await deps.hosts.get(s.host)).tmux.sendKeys(s.paneId, keys);
}

/** The visible screen; for an exited session also the 20 lines above it (its last words). */
export async function captureSession(deps: PaneDeps, id: string): Promise<string> {
  const s = await live(deps, id);
  const tmux = (await deps.hosts.get(s.host)).tmux;
  return tmux.capture(s.paneId, false, s.state === 'exited' ? DEAD_HISTORY_LINES : 0);
}

export async function attachArgv(deps: PaneDeps, id: string): Promise<{ host: string; argv: string[] }> {
  const s = await live(deps, id);
  return { host: s.host, argv: (await deps.hosts.get(s.host)).tmux.attachArgv(s.tmuxSession) };
}
