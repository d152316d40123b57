// The one contract between a front end (renderer, browser) and the engine. Declared once here;
// the preload bridge, the Electron IPC transport, the WebSocket transport, the router in
// src/core/rpc and the renderer client (src/renderer/src/api.ts) are all typed from it, and the
// runtime allow-lists below are what each side checks channel names against.
// Model: VS Code IPtyService (src/vs/platform/terminal/common/terminal.ts).
//
// Three kinds of channels:
//  - requests: request/response; the reply is a value or an ErrorValue (never a thrown stack).
//  - sends: fire-and-forget from the client (terminal input, resize, acks, detach, subscriptions).
//  - events: pushed by the server. `sessionsChanged`, `sessionState` and `stats` are pushed only to
//    clients that subscribed (the client module does that for you when you call `on`); terminal
//    events go to the client that attached the terminal.
//
// Terminals: the client picks a terminal id (`term`, unique per client, [A-Za-z0-9_.:-]{1,64}),
// registers its listeners, then requests `attach`. Output arrives as `terminalData` batched ~5 ms;
// once xterm has parsed a chunk (the `term.write(data, callback)` callback), the client sends
// `terminalAck` with the number of chars parsed (acks may be grouped up to FLOW.ackSize chars). The
// server pauses the pty above FLOW.highWatermark unacknowledged chars and resumes below
// FLOW.lowWatermark. `detach` (or the client going away) closes that pty; the agent keeps running
// in tmux. Several clients may attach to one session at once.
import type { ErrorValue } from './errors.ts';
import type {
  AgentProfile,
  BranchInfo,
  HostName,
  RepoConfig,
  ResourceLimits,
  ResourceStats,
  SessionInfo,
  SessionState,
  StatsPoint,
} from './model.ts';

// ---------------------------------------------------------------------------------------------
// Payload types

export type Empty = Record<string, never>;

export interface AddRepoParams {
  /** Path of a git work tree on `host`. */
  path: string;
  name?: string;
  host?: HostName;
}

export interface SpawnParams {
  /** Registered repo name or path. */
  repo: string;
  branch: string;
  /** Create `branch` (from `from`, default the repo's HEAD). */
  newBranch?: boolean;
  from?: string;
  /** Agent profile id; default: the configured default agent. Excludes `command`. */
  agent?: string;
  /** A plain command instead of an agent profile (run via `sh -c`). Excludes `agent`. */
  command?: string;
  /** Initial terminal size of the tmux window. */
  cols?: number;
  rows?: number;
  /** Memory (bytes) and CPU (percent of one core) limits for the agent's process tree. */
  limits?: ResourceLimits;
  /** Spawn even when the host's free memory is below the reserve (admission control). */
  force?: boolean;
}

export interface KillParams {
  id: string;
  /** Also remove the session's worktree (must be clean unless `force`). Never the main work tree. */
  removeWorktree?: boolean;
  force?: boolean;
}

export interface KillResult {
  id: string;
  killed: boolean;
  worktreeRemoved: boolean;
  /** Set when the session was killed but its worktree could not be removed (it is kept). */
  worktreeError?: string;
  worktree: string;
}

export interface SendTextParams {
  id: string;
  /** Pasted literally into the agent's pane. */
  text: string;
  /** Press Enter after the text (default true). */
  enter?: boolean;
  /** Type even into a first-run dialog (waiting(setup)), where text would answer the dialog. */
  force?: boolean;
}

export interface SendKeysParams {
  id: string;
  /** tmux key names, pressed in order: Escape, Enter, Up, Down, Tab, C-c, a single character… */
  keys: string[];
}

/**
 * The key names `keys` accepts: tmux's names for the keys an agent's dialogs need, with C-/M-/S-
 * modifiers, or one printable ASCII character. Nothing else reaches tmux.
 */
export const TMUX_KEY_PATTERN =
  /^(?:[CMS]-){0,3}(?:[!-~]|F(?:[1-9]|1[0-2])|Escape|Enter|Tab|BTab|Space|BSpace|Up|Down|Left|Right|Home|End|PageUp|PageDown|PgUp|PgDn|PPage|NPage|IC|DC|Insert|Delete)$/;
/** At most this many keys in one request. */
export const MAX_KEYS = 64;

export interface ProfilesResult {
  profiles: AgentProfile[];
  defaultAgent: string;
}

export interface HostSummary {
  name: HostName;
  kind: 'local' | 'ssh';
  /** user@host[:port] or the ssh config alias, for ssh hosts. */
  address?: string;
}

export interface AddHostParams {
  name: HostName;
  /** user@host[:port]; absent: `name` is an ssh config alias. */
  ssh?: string;
  identity?: string;
}

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

/**
 * Resource figures (src/core/monitor): per host and per session, CPU in percent of one core, memory
 * in bytes. The same shape as `orchard stats --json`. The `stats` request also carries `history`
 * (the last 15 minutes, oldest first) so charts start full; pushed `stats` events carry none.
 */
export interface StatsSnapshot extends ResourceStats {
  history?: StatsPoint[];
}

export interface TerminalDataEvent {
  term: string;
  data: string;
}

export interface TerminalExitEvent {
  term: string;
  /** Exit code of the attach process (tmux attach); null when unknown. */
  code: number | null;
  /** Set when the terminal could not be kept open (session gone, host unreachable...). */
  error?: ErrorValue;
}

export interface SessionStateEvent {
  id: string;
  /** null: the session is new to this server. */
  from: SessionState | null;
  to: SessionState;
  session: SessionInfo;
}

// ---------------------------------------------------------------------------------------------
// Channel maps

export interface RequestMap {
  listRepos: { params: Empty; result: RepoConfig[] };
  addRepo: { params: AddRepoParams; result: RepoConfig };
  removeRepo: { params: { repo: string }; result: RepoConfig };
  branches: { params: { repo: string }; result: BranchInfo[] };
  spawn: { params: SpawnParams; result: SessionInfo };
  listSessions: { params: Empty; result: SessionInfo[] };
  kill: { params: KillParams; result: KillResult };
  sendText: { params: SendTextParams; result: null };
  keys: { params: SendKeysParams; result: null };
  capture: { params: { id: string }; result: string };
  profiles: { params: Empty; result: ProfilesResult };
  listHosts: { params: Empty; result: HostSummary[] };
  addHost: { params: AddHostParams; result: HostSummary };
  removeHost: { params: { name: HostName }; result: HostSummary };
  attach: { params: AttachParams; result: AttachResult };
  stats: { params: Empty; result: StatsSnapshot };
}

export interface SendMap {
  terminalInput: { term: string; data: string };
  terminalResize: { term: string; cols: number; rows: number };
  /** Chars of `terminalData` that xterm has parsed. */
  terminalAck: { term: string; chars: number };
  detach: { term: string };
  subscribe: { event: SubscribableEvent };
  unsubscribe: { event: SubscribableEvent };
}

export interface EventMap {
  sessionsChanged: SessionInfo[];
  sessionState: SessionStateEvent;
  terminalData: TerminalDataEvent;
  terminalExit: TerminalExitEvent;
  stats: StatsSnapshot;
}

/**
 * The desktop shell's own channels (Electron only; src/main answers them, not the router). The
 * preload lets them through like the rest of the contract; in browser mode there is no shell:
 * the client drops shell sends and no shell event ever arrives.
 */
export type ShellCommand =
  | { kind: 'openSession'; id: string }
  | { kind: 'newSession' }
  | { kind: 'showDashboard' }
  | { kind: 'restoreTabs'; open: string[]; active: string | null; dropped: string[] };

export interface ShellSendMap {
  /** The renderer's open session tabs, in order, and the active one (restored on the next start). */
  tabsChanged: { open: string[]; active: string | null };
}

export interface ShellEventMap {
  /** Menu, tray and notification clicks; tabs to restore on start. */
  shellCommand: ShellCommand;
}

/** Client-side only: the transport's own state (browser mode reconnects; Electron is always up). */
export interface ClientEventMap extends EventMap, ShellEventMap {
  /** After a reconnect, terminals must be attached again: the server closed them with the socket. */
  /**
   * `stale`: the server refuses this page's token for good (`orchard web` was restarted with a new
   * one); reconnecting stops and the page says to open the URL it printed.
   */
  connection: { connected: boolean; stale?: boolean };
}

// ---------------------------------------------------------------------------------------------
// Runtime allow-lists (checked at compile time to list exactly the keys of the maps above)

export const REQUESTS = [
  'listRepos',
  'addRepo',
  'removeRepo',
  'branches',
  'spawn',
  'listSessions',
  'kill',
  'sendText',
  'keys',
  'capture',
  'profiles',
  'listHosts',
  'addHost',
  'removeHost',
  'attach',
  'stats',
] as const;

export const SENDS = [
  'terminalInput',
  'terminalResize',
  'terminalAck',
  'detach',
  'subscribe',
  'unsubscribe',
] as const;

export const EVENTS = ['sessionsChanged', 'sessionState', 'terminalData', 'terminalExit', 'stats'] as const;

export const SHELL_SENDS = ['tabsChanged'] as const;
export const SHELL_EVENTS = ['shellCommand'] as const;

/** Events a client must subscribe to (polling runs only while someone listens). */
export const SUBSCRIBABLE_EVENTS = ['sessionsChanged', 'sessionState', 'stats'] as const;

export type RequestName = (typeof REQUESTS)[number];
export type SendName = (typeof SENDS)[number];
export type EventName = (typeof EVENTS)[number];
export type SubscribableEvent = (typeof SUBSCRIBABLE_EVENTS)[number];
export type ShellSendName = (typeof SHELL_SENDS)[number];
export type ShellEventName = (typeof SHELL_EVENTS)[number];
/** Everything a client may send: the router's sends and the shell's. */
export type AnySendName = SendName | ShellSendName;
export type ClientEventName = keyof ClientEventMap;

export type RequestParams<K extends RequestName> = RequestMap[K]['params'];
export type RequestResult<K extends RequestName> = RequestMap[K]['result'];
export type SendPayload<K extends AnySendName> = (SendMap & ShellSendMap)[K];
export type EventPayload<K extends ClientEventName> = ClientEventMap[K];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _requestsComplete: Same<RequestName, keyof RequestMap> = true;
const _sendsComplete: Same<SendName, keyof SendMap> = true;
const _eventsComplete: Same<EventName, keyof EventMap> = true;
const _shellSendsComplete: Same<ShellSendName, keyof ShellSendMap> = true;
const _shellEventsComplete: Same<ShellEventName, keyof ShellEventMap> = true;
void [_requestsComplete, _sendsComplete, _eventsComplete, _shellSendsComplete, _shellEventsComplete];

export const isRequestName = (x: unknown): x is RequestName =>
  typeof x === 'string' && (REQUESTS as readonly string[]).includes(x);
export const isSendName = (x: unknown): x is SendName =>
  typeof x === 'string' && (SENDS as readonly string[]).includes(x);
export const isEventName = (x: unknown): x is EventName =>
  typeof x === 'string' && (EVENTS as readonly string[]).includes(x);
export const isShellSendName = (x: unknown): x is ShellSendName =>
  typeof x === 'string' && (SHELL_SENDS as readonly string[]).includes(x);
export const isShellEventName = (x: unknown): x is ShellEventName =>
  typeof x === 'string' && (SHELL_EVENTS as readonly string[]).includes(x);
export const isSubscribableEvent = (x: unknown): x is SubscribableEvent =>
  typeof x === 'string' && (SUBSCRIBABLE_EVENTS as readonly string[]).includes(x);

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

// ---------------------------------------------------------------------------------------------
// Wire messages: the same envelope over Electron IPC (one channel, IPC_CHANNEL) and the WebSocket.

export const IPC_CHANNEL = 'orchard:rpc';
/** WebSocket path served by `orchard web` (token in the `token` query parameter or cookie). */
export const WS_PATH = '/rpc';

export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorValue };

export type ClientMessage =
  { t: 'req'; id: number; ch: RequestName; p: unknown } | { t: 'send'; ch: AnySendName; p: unknown };

export type ServerMessage =
  | ({ t: 'res'; id: number } & Reply)
  | { t: 'evt'; ch: EventName | ShellEventName; p: unknown }
  /** A message the server could not take at all (not JSON, unknown kind, no id): nothing changed. */
  | { t: 'err'; error: ErrorValue };

// ---------------------------------------------------------------------------------------------
// What the renderer sees

/**
 * The renderer's API (src/renderer/src/api.ts implements it over the preload bridge or a WebSocket).
 * `request` rejects with an OrchardError (from ./errors.ts: `.code`, `.message`, `.detail`).
 */
export interface OrchardApi {
  request<K extends RequestName>(name: K, params: RequestParams<K>): Promise<RequestResult<K>>;
  send<K extends AnySendName>(name: K, payload: SendPayload<K>): void;
  /** Returns the unsubscribe function. Subscribable events are (un)subscribed on the server for you. */
  on<K extends ClientEventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

/**
 * What the preload exposes as `window.orchard` (contextBridge cannot carry Error subclasses, so
 * requests resolve to a Reply; src/renderer/src/api.ts turns it into an OrchardApi).
 */
export interface OrchardBridge {
  request(name: RequestName, params: unknown): Promise<Reply>;
  send(name: AnySendName, payload: unknown): void;
  on(name: EventName | ShellEventName, listener: (payload: unknown) => void): () => void;
}
