// The contract, terminals: attach, the events a terminal gets, and flow control (see the protocol
// at the top of src/shared/api.ts). Part of src/shared/api.ts (the barrel).
import type { ErrorValue } from '../errors.ts';

export interface AttachParams {
  /** Client-chosen terminal id, unique per client. */
  term: string;
  /** Session id (SessionInfo.id). */
  session: string;
  cols: number;
  rows: number;
}

export interface AttachResult {
  term: string;
  session: string;
}

export interface TerminalDataEvent {
  term: string;
  data: string;
}

/**
 * Why a terminal stopped showing its session, as far as the server could tell after the attach
 * process ended:
 *  - detached: its tmux client was detached (prefix d, `tmux detach-client`); the session runs on.
 *  - session-killed: the tmux session is gone; the host's tmux server runs on.
 *  - tmux-exited: the host's tmux server is gone (killed, crashed, rebooted), and its sessions with it.
 *  - agent-exited: the session is there, its agent has exited.
 *  - host-unreachable: the SSH connection is lost. Not an exit: the server keeps the terminal and
 *    re-attaches when the host is back (`terminalStatus`); input meanwhile is refused.
 */
export type TerminalEndReason =
  'detached' | 'session-killed' | 'tmux-exited' | 'agent-exited' | 'host-unreachable';

export interface TerminalExitEvent {
  term: string;
  /** Exit code of the attach process (tmux attach); null when unknown. */
  code: number | null;
  /** Set when the terminal could not be kept open (session gone, host unreachable...). */
  error?: ErrorValue;
  /** Why, when the server found out. */
  reason?: TerminalEndReason;
  /** The reason in words for the user: "tmux server exited", "agent exited (code 2)". */
  message?: string;
}

/**
 * A terminal the server keeps while its host is away: `reconnecting` (with why, again for each
 * input it had to refuse), then `attached` once it is back; tmux then redraws the screen.
 */
export interface TerminalStatusEvent {
  term: string;
  state: 'reconnecting' | 'attached';
  /** "host devbox unreachable — reconnecting". */
  message?: string;
  /** Set when this event answers input that was refused (nothing reached the session). */
  refused?: boolean;
}

/** Terminal flow control (VS Code FlowControlConstants), in chars (UTF-16 code units). */
export const FLOW = {
  /** Pause the pty when this many chars are sent but not acknowledged. */
  highWatermark: 100_000,
  /** Resume it when the unacknowledged count drops below this. */
  lowWatermark: 5_000,
  /** Clients may group acks up to this many chars. */
  ackSize: 5_000,
  /** Server-side output batching window. */
  batchMs: 5,
} as const;
