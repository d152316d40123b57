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
import type {
  ApproveAllParams,
  ApproveAllResult,
  ApproveParams,
  ApproveResult,
  BroadcastParams,
  BroadcastResult,
} from './approve.ts';
import type { ErrorValue } from './errors.ts';
import type { HeadlessEventsParams, HeadlessEventsResult } from './headless.ts';
import type {
  HostSummary,
  AddHostParams,
  HostTestResult,
  HostKeyCheck,
  TrustHostParams,
  TrustHostResult,
  HostInfo,
  SetLimitsParams,
  SetLimitsResult,
  PassphraseRequestEvent,
  PassphraseDoneEvent,
  AnswerPassphraseParams,
} from './hosts.ts';
import type {
  AgentProfile,
  BranchInfo,
  HostName,
  ListeningPort,
  Preferences,
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

// Hosts, limits and key passphrases: their payloads live in hosts.ts.
export type * from './hosts.ts';
// Headless sessions' events.
export type * from './headless.ts';

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
  /** Spawn even when the host's free memory or disk is below the reserve (admission control). */
  force?: boolean;
  /** Start the agent without the repo's setup (an untrusted .orchard/setup is then not refused). */
  skipSetup?: boolean;
  /** Headless: the agent takes JSON messages (sendText) and reports events (headlessEvents). */
  headless?: boolean;
  /** A headless session's first message. */
  prompt?: string;
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
  /** The repo's teardown, when it had one (it ran before the worktree was removed). */
  teardown?: TeardownResult;
  /** The processes of the session that were ended (the agent and whatever it started, daemons too). */
  ended?: { pid: number; command: string }[];
}

// Resume / restart / forget (src/core/sessions/resume*.ts): stopped and exited sessions.
export interface ResumeParams {
  id: string;
  /** Restart the agent fresh instead of resuming its conversation. */
  fresh?: boolean;
}

export interface ResumeResult {
  id: string;
  host: HostName;
  /** 'fresh' when asked, or when the conversation could not be resumed (then `note` says why). */
  how: 'resumed' | 'fresh';
  note?: string;
  session: SessionInfo;
}

export interface ResumeAllResult {
  resumed: ResumeResult[];
  failed: Array<{ id: string; host: HostName; error: ErrorValue }>;
}

export interface ForgetResult {
  id: string;
  host: HostName;
  /** Left as it was. */
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

export interface SessionStateEvent {
  id: string;
  /** null: the session is new to this server. */
  from: SessionState | null;
  to: SessionState;
  session: SessionInfo;
}

// ---------------------------------------------------------------------------------------------
// Review: a session's changes, commit, merge, push, pull request, cleanup (src/core/review).

export type DiffFileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'typechange';

export interface DiffFile {
  path: string;
  /** The path before a rename or copy. */
  oldPath?: string;
  status: DiffFileStatus;
  additions: number;
  deletions: number;
  binary: boolean;
  /** Over DIFF_LARGE_BYTES: listed, never dumped. */
  large: boolean;
  /** Not yet known to git in the worktree (never added). */
  untracked: boolean;
  /** The unified patch, when asked for (never for binary or large files). */
  patch?: string;
}

/** A patch above this size (either side's blob) is listed, not dumped. */
export const DIFF_LARGE_BYTES = 5 * 1024 * 1024;

export interface DiffResult {
  id: string;
  branch: string;
  base: string;
  baseSha: string;
  /** Where the branch left its base: what the changes are counted from. */
  mergeBase: string;
  /** The worktree as it is now, committed or not, as a git tree (written from a temporary index). */
  tree: string;
  files: DiffFile[];
  additions: number;
  deletions: number;
}

export interface DiffParams {
  id: string;
  /** Compare against this instead of the session's base. */
  base?: string;
  /** Include every file's patch (the window asks per file with `filePatch` instead). */
  patches?: boolean;
}

export interface FilePatchParams {
  id: string;
  /** From a DiffResult: the pair the patch is taken between. */
  mergeBase: string;
  tree: string;
  path: string;
  oldPath?: string;
}

export interface FilePatch {
  path: string;
  /** null for binary and large files. */
  patch: string | null;
  binary: boolean;
  large: boolean;
}

export interface CommitParams {
  id: string;
  message: string;
  /** Also add untracked files (default: tracked changes only). */
  all?: boolean;
}

export interface CommitResult {
  id: string;
  branch: string;
  sha: string;
  subject: string;
}

export type MergeMode = 'merge' | 'squash' | 'rebase';

export interface MergeParams {
  id: string;
  /** Local branch to merge into; default the session's base. */
  into?: string;
  mode?: MergeMode;
  /** Commit the worktree's uncommitted changes first (with `message`). */
  all?: boolean;
  message?: string;
  /** Delete the branch afterwards (only when fully merged; needs deleteWorktree). */
  deleteBranch?: boolean;
  /** End the session and remove its worktree afterwards. */
  deleteWorktree?: boolean;
}

export interface MergeResult {
  id: string;
  branch: string;
  into: string;
  mode: MergeMode;
  fastForward: boolean;
  /** The base's new tip. */
  sha: string;
  /** The work tree the merge ran in, or null when the base is checked out nowhere (refs only). */
  where: string | null;
  /** Set when --all committed the worktree first. */
  committed?: string;
  worktreeRemoved: boolean;
  branchDeleted: boolean;
}

export interface PushResult {
  id: string;
  branch: string;
  remote: string;
  remoteBranch: string;
  upstreamSet: boolean;
}

export interface PrParams {
  id: string;
  title?: string;
  body?: string;
  draft?: boolean;
}

export interface PrResult {
  id: string;
  /** The pull request's URL (gh), or the page that opens one (compare URL); null when neither. */
  url: string | null;
  via: 'gh' | 'compare' | 'none';
  /** Why no pull request was created (gh missing or logged out, remote not recognised). */
  missing?: string;
}

export interface GcItem {
  host: HostName;
  repo: string;
  worktree: string;
  branch: string | null;
  sessionId?: string;
  action: 'remove-worktree' | 'prune-record' | 'remove-broken' | 'remove-transcripts' | 'remove-event-logs';
  reason: string;
  done: boolean;
  error?: string;
}

export interface GcResult {
  dryRun: boolean;
  items: GcItem[];
}

export interface CleanupResult {
  id: string;
  worktree: string;
  worktreeRemoved: boolean;
}

// ---------------------------------------------------------------------------------------------
// Channel maps

// Ports and forwards (dev servers of agents) -----------------------------------------------------

/** A port a session listens on. */
export interface SessionPort extends ListeningPort {
  id: string;
  host: HostName;
}

export interface ForwardInfo {
  sessionId: string;
  host: HostName;
  remotePort: number;
  remoteAddress: string;
  /** The port on this machine's 127.0.0.1 (= remotePort for a local session: nothing forwarded). */
  localPort: number;
  url: string;
  /** A local session's port: reached directly, no forward runs. */
  direct: boolean;
  /** Which kind of Orchard process runs the forward, and its pid. */
  owner: 'cli' | 'web' | 'app';
  pid: number;
  startedAt: string;
  /** Connections open through it now. */
  connections: number;
}

export interface ForwardStartParams {
  id: string;
  port: number;
  localPort?: number;
}

// New worktrees ready to work: .worktreeinclude, setup and teardown (src/core/sessions/setup.ts) ---

/** A committed `.orchard/setup` or `.orchard/teardown` as the dialog shows it before trusting it. */
export interface CommittedScriptInfo {
  path: string;
  content: string;
  sha256: string;
  trusted: boolean;
}

export interface RepoScriptInfo {
  /** The command in Orchard's config for the repo. */
  command?: string;
  script?: CommittedScriptInfo;
}

/** What a spawn will do to a new worktree: files copied, setup to run (for the new-session dialog). */
export interface SetupPlan {
  repo: string;
  /** The revision the scripts were read at. */
  rev: string;
  /** `.worktreeinclude` matches that git ignores (first 200 of `count`). */
  include: { count: number; files: string[] };
  setup: RepoScriptInfo;
  teardown: RepoScriptInfo;
}

export type SetupAction = 'retry' | 'skip';

export interface TeardownResult {
  code: number;
  /** Its last lines of output. */
  output: string;
  timedOut?: boolean;
  /** A committed teardown that was not run: not trusted. */
  untrusted?: string;
}

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
  /** The config's preferences (notification mutes, default agent...), read fresh each time. */
  preferences: { params: Empty; result: Preferences };
  listHosts: { params: Empty; result: HostSummary[] };
  addHost: { params: AddHostParams; result: HostSummary };
  /** Forgets the host and closes its connections (its repos must be removed first). */
  removeHost: { params: { name: HostName }; result: HostSummary };
  /** Connect afresh, check the host key, tmux >= 3.2 and git. */
  testHost: { params: { name: HostName }; result: HostTestResult };
  /** The host key it presents and what Orchard makes of it, trusting nothing. */
  hostKey: { params: { name: HostName }; result: HostKeyCheck };
  trustHost: { params: TrustHostParams; result: TrustHostResult };
  /** Limit backend, tmux and git versions (`local` too). */
  hostInfo: { params: { name: HostName }; result: HostInfo };
  /** Change a running session's memory / CPU limits now. */
  setLimits: { params: SetLimitsParams; result: SetLimitsResult };
  answerPassphrase: { params: AnswerPassphraseParams; result: null };
  attach: { params: AttachParams; result: AttachResult };
  stats: { params: Empty; result: StatsSnapshot };
  ports: { params: { id?: string }; result: SessionPort[] };
  forwardStart: { params: ForwardStartParams; result: ForwardInfo };
  forwardStop: { params: { localPort: number }; result: { stopped: boolean } };
  forwardList: { params: Empty; result: ForwardInfo[] };
  resume: { params: ResumeParams; result: ResumeResult };
  resumeAll: { params: { host?: HostName }; result: ResumeAllResult };
  forget: { params: { id: string }; result: ForgetResult };
  // Review (src/core/review): kept together.
  diff: { params: DiffParams; result: DiffResult };
  filePatch: { params: FilePatchParams; result: FilePatch };
  commit: { params: CommitParams; result: CommitResult };
  merge: { params: MergeParams; result: MergeResult };
  push: { params: { id: string }; result: PushResult };
  createPr: { params: PrParams; result: PrResult };
  setBase: { params: { id: string; base: string }; result: SessionInfo };
  cleanup: { params: { id: string }; result: CleanupResult };
  gc: { params: { dryRun?: boolean }; result: GcResult };
  setupPlan: {
    params: { repo: string; branch?: string; newBranch?: boolean; from?: string };
    result: SetupPlan;
  };
  /** Trust exactly the scripts whose sha256 the user was shown. */
  repoTrust: { params: { repo: string; setup?: string; teardown?: string }; result: RepoConfig };
  setupAction: { params: { id: string; action: SetupAction }; result: null };
  // Answering agents (src/core/sessions/approve.ts, broadcast.ts): kept together.
  approve: { params: ApproveParams; result: ApproveResult };
  approveAll: { params: ApproveAllParams; result: ApproveAllResult };
  broadcast: { params: BroadcastParams; result: BroadcastResult };
  // Headless sessions (src/shared/headless.ts): events since a byte offset; messages via sendText.
  headlessEvents: { params: HeadlessEventsParams; result: HeadlessEventsResult };
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
  terminalStatus: TerminalStatusEvent;
  stats: StatsSnapshot;
  passphraseRequest: PassphraseRequestEvent;
  passphraseDone: PassphraseDoneEvent;
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
  /**
   * After a reconnect, terminals must be attached again: the server closed them with the socket.
   * `stale`: the server refuses this page's token for good (`orchard web` was restarted with a new
   * one); reconnecting stops and the page says to open the URL it printed. `stopped`: the page's
   * origin has not answered for a while (a restarted `orchard web` usually gets another port): the
   * page says so; reconnecting goes on slowly in case it comes back.
   */
  connection: { connected: boolean; stale?: boolean; stopped?: boolean };
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
  'preferences',
  'listHosts',
  'addHost',
  'removeHost',
  'testHost',
  'hostKey',
  'trustHost',
  'hostInfo',
  'setLimits',
  'answerPassphrase',
  'attach',
  'stats',
  'ports',
  'forwardStart',
  'forwardStop',
  'forwardList',
  'resume',
  'resumeAll',
  'forget',
  // Review
  'diff',
  'filePatch',
  'commit',
  'merge',
  'push',
  'createPr',
  'setBase',
  'cleanup',
  'gc',
  'setupPlan',
  'repoTrust',
  'setupAction',
  // Answering agents
  'approve',
  'approveAll',
  'broadcast',
  // Headless
  'headlessEvents',
] as const;

export const SENDS = [
  'terminalInput',
  'terminalResize',
  'terminalAck',
  'detach',
  'subscribe',
  'unsubscribe',
] as const;

export const EVENTS = [
  'sessionsChanged',
  'sessionState',
  'terminalData',
  'terminalExit',
  'terminalStatus',
  'stats',
  'passphraseRequest',
  'passphraseDone',
] as const;

export const SHELL_SENDS = ['tabsChanged'] as const;
export const SHELL_EVENTS = ['shellCommand'] as const;

/** Events a client must subscribe to (polling runs only while someone listens). */
export const SUBSCRIBABLE_EVENTS = [
  'sessionsChanged',
  'sessionState',
  'stats',
  'passphraseRequest',
  'passphraseDone',
] as const;

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
