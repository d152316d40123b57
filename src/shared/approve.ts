// Answering agents (approve / deny a permission request, batch, broadcast): the contract's types.
// Pure data; imported by api.ts (the request map) and by the renderer.
import type { HostName } from './model.ts';

/** yes: allow once; always: the "don't ask again" option; no: deny. */
export type ApprovalDecision = 'yes' | 'always' | 'no';

export interface ApproveParams {
  id: string;
  decision: ApprovalDecision;
  /**
   * The request the client saw (the session's `detail`, e.g. "Edit notes.txt"): when the session
   * waits for something else by now, nothing is sent.
   */
  expect?: string;
}

export interface ApproveResult {
  id: string;
  decision: ApprovalDecision;
  /** The option chosen on screen, as the agent printed it ("Yes", "No, and tell Claude …"). */
  option: string;
  /** The keys sent (tmux key names). */
  keys: string[];
  detail?: string;
}

export interface ApproveAllParams {
  decision: ApprovalDecision;
  /** Only these sessions (the window's selection); else every session waiting for permission. */
  ids?: string[];
  repo?: string;
  host?: HostName;
  /** The tool asked about: "Edit", "Read", "Bash" (the first word of the request). */
  tool?: string;
  dryRun?: boolean;
}

export interface ApproveItem {
  id: string;
  repo: string;
  branch: string;
  host: HostName;
  detail?: string;
  /** Answered (or, in a dry run, would be). */
  ok: boolean;
  option?: string;
  error?: string;
}

export interface ApproveAllResult {
  dryRun: boolean;
  decision: ApprovalDecision;
  items: ApproveItem[];
}

export interface BroadcastParams {
  /** "all", "repo:R", "host:H", "state:S" or session ids (comma-separated) — or `ids`. */
  to?: string;
  ids?: string[];
  text: string;
  enter?: boolean;
}

export interface BroadcastItem {
  id: string;
  repo: string;
  branch: string;
  host: HostName;
  delivered: boolean;
  /** Why not: "exited", "host unreachable: …", the error. */
  error?: string;
}

export interface BroadcastResult {
  delivered: number;
  failed: number;
  items: BroadcastItem[];
}
