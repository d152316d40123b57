// Why a `tmux attach` ended. The attach process alone cannot say: exit 0 is a detach as well as a
// killed session, and an SSH channel that dies with its connection has no exit status at all. So
// the last words tmux printed ("[server exited]", "[exited]", "[detached …]") are read first, then
// the host is asked about the session itself: its answer (or its silence) is the reason.
import type { TerminalEndReason } from '../../shared/api.ts';
import { toErrorValue } from '../../shared/errors.ts';
import type { Tmux } from '../tmux/tmux.ts';

export interface TerminalEnd {
  reason: TerminalEndReason;
  /** In words, for the user. */
  message: string;
}

export interface AttachExit {
  code: number | null;
  /** The last output of the attach process (tmux's own exit message is there). */
  tail: string;
}

/** tmux's client exit messages (client.c, client_exit_message), on the attach's last line. */
const SERVER_EXITED = /\[server exited( unexpectedly)?\]/;
const DETACHED = /\[detached( and SIGHUP)?( \(from session [^\]]*\))?\]/;
const NO_SERVER = /no server running|error connecting|No such file or directory|server exited/i;
const NO_SESSION = /can't find session|session not found/i;

/** How long the host may take to answer before it counts as unreachable. */
const PROBE_TIMEOUT_MS = 8_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Asks the host's tmux about `name` after its attach ended. `hostName` is for the words only. A
 * host that cannot be asked (no SSH connection, no answer in time) is `host-unreachable`: the
 * caller re-attaches when it is back.
 */
export async function explainAttachExit(
  tmux: Pick<Tmux, 'run'>,
  hostName: string,
  name: string,
  exit: AttachExit,
  remote = false,
): Promise<TerminalEnd> {
  const last = exit.tail.slice(-200);
  if (SERVER_EXITED.test(last)) return { reason: 'tmux-exited', message: 'tmux server exited' };
  let r;
  try {
    r = await withTimeout(
      tmux.run(
        ['list-panes', '-t', `=${name}:`, '-F', '#{pane_dead} #{pane_dead_status} #{@orchard_exit}'],
        undefined,
        PROBE_TIMEOUT_MS,
      ),
      PROBE_TIMEOUT_MS + 1000,
      hostName,
    );
  } catch (e) {
    return {
      reason: 'host-unreachable',
      message: `host ${hostName} unreachable — reconnecting (${toErrorValue(e).message})`,
    };
  }
  if (r.code !== 0) {
    if (/timed out/.test(r.stderr))
      return { reason: 'host-unreachable', message: `host ${hostName} unreachable — reconnecting` };
    if (NO_SERVER.test(r.stderr)) return { reason: 'tmux-exited', message: 'tmux server exited' };
    if (NO_SESSION.test(r.stderr)) return { reason: 'session-killed', message: 'session killed' };
    return { reason: 'session-killed', message: `session gone (${r.stderr.trim() || `exit ${r.code}`})` };
  }
  const [dead, status, recorded] = (r.stdout.split('\n')[0] ?? '').split(' ');
  if (dead === '1') {
    const code = recorded || status;
    return { reason: 'agent-exited', message: code ? `agent exited (code ${code})` : 'agent exited' };
  }
  if (DETACHED.test(last)) return { reason: 'detached', message: 'detached; the session is still running' };
  // An SSH channel that closed without an exit status lost its connection, which is already back:
  // attach again rather than leave the user a closed terminal on a running session.
  if (remote && exit.code === null)
    return { reason: 'host-unreachable', message: `connection to ${hostName} lost — reconnecting` };
  return {
    reason: 'detached',
    message: `the attach process ended (${exit.code === null ? 'no exit status' : `exit ${exit.code}`}); the session is still running`,
  };
}
