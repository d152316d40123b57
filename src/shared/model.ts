// The data model shared by every layer. Pure types: no runtime imports.

export type HostName = string;
export const LOCAL_HOST: HostName = 'local';

export interface RepoConfig {
  /** Display name, unique per Orchard install. */
  name: string;
  host: HostName;
  /** Absolute path of the repo's main work tree on its host. */
  path: string;
  /** Where new worktrees go; default `<parent>/<name>.worktrees`. */
  worktreeRoot?: string;
  // New worktrees ready to work (src/core/sessions/setup.ts): extra `.worktreeinclude` patterns,
  // setup / teardown commands (sh), and the sha256 of each committed `.orchard/setup` and
  // `.orchard/teardown` the user trusted (a script runs only when its content hashes to this).
  include?: string[];
  setup?: string;
  teardown?: string;
  trusted?: { setup?: string; teardown?: string };
}

export type AgentKind = 'claude' | 'codex' | 'gemini' | 'aider' | 'opencode' | 'custom';

export interface AgentProfile {
  id: string;
  label: string;
  kind: AgentKind;
  /** argv; never passed through a shell unless the user wrote a `sh -c` themselves. */
  command: string[];
  /** Expected resident memory in bytes, used by admission control. */
  expectedMemory?: number;
  /** Extra environment for the agent. */
  env?: Record<string, string>;
  /**
   * Claude Code: the permission mode to start in (`--permission-mode`: manual/default, acceptEdits,
   * auto, plan, dontAsk, bypassPermissions); unset, Claude Code's own default applies.
   */
  permissionMode?: string;
  /**
   * Screen patterns (JavaScript regular expressions, case-insensitive) for agents without hooks;
   * they extend the built-in ones for the profile's kind.
   */
  screenPatterns?: ScreenPatterns;
  /**
   * Arguments that make the agent resume its earlier conversation, appended to `command` when a
   * stopped or exited session is resumed; `{sessionId}` stands for the agent's own session id.
   * Absent: the kind's default (Claude Code: `--resume {sessionId}`); empty: the agent cannot resume.
   */
  resumeArgs?: string[];
  /**
   * Headless mode (`spawn --headless`): how the agent runs without a terminal, messages in and
   * events out as JSON lines. Absent: the kind's default (Claude Code, Codex); null: no headless mode.
   */
  headless?: HeadlessSpec | null;
  /** How a permission question is answered on screen (src/core/sessions/approve.ts); absent: the kind's. */
  approval?: ApprovalSpec;
  /** How `orchard send` submits text to this agent (absent: paste and Enter in one tmux call). */
  send?: SendBehaviour;
}

/** How an agent runs headless (src/core/sessions/headless.ts). */
export interface HeadlessSpec {
  /** Arguments added after `command` (Claude Code: `-p --input-format stream-json ...`). */
  args: string[];
  /**
   * How messages reach it: 'stream-json' = one JSON user message a line on its stdin, any number of
   * turns (Claude Code); 'argv' = the first prompt is its last argument and it takes no more (Codex exec).
   */
  input: 'stream-json' | 'argv';
}

/**
 * A permission dialog is a numbered list of options; each decision is the option whose text matches
 * one of its patterns (JavaScript regular expressions, case-insensitive), so a reordered dialog is
 * never mis-answered. `keys`: how an option is chosen: its digit alone (Claude Code), its digit then
 * Enter (line-reading agents), or arrows from the highlighted option then Enter.
 */
export interface ApprovalSpec {
  yes?: string[];
  always?: string[];
  no?: string[];
  keys?: 'digit' | 'digit-enter' | 'arrows';
}

/**
 * Per-agent submit behaviour. Some TUIs drop an Enter that arrives in the same read as a paste
 * (Gemini CLI), or open a menu for a slash command and need the Enter a moment later (OpenCode).
 */
export interface SendBehaviour {
  /** The tmux key that submits (default Enter). */
  submitKey?: string;
  /** Milliseconds between the paste and the submit key; 0 or absent: both in one tmux call. */
  submitDelayMs?: number;
  /** Milliseconds between the paste of a slash command ("/exit") and the submit key. */
  slashDelayMs?: number;
  /**
   * After submitting, look at the screen: while the text still sits in the input box (the last
   * lines), press the submit key again (up to 3 times, 500 ms apart). Gemini CLI drops the first
   * Enter it gets in its first seconds.
   */
  confirmSubmit?: boolean;
}

export interface ScreenPatterns {
  working?: string[];
  permission?: string[];
  question?: string[];
  idle?: string[];
}

export interface NotificationPreferences {
  /** Mute every notification. */
  muted?: boolean;
  /** Agent profile ids whose sessions never notify. */
  mutedProfiles?: string[];
}

export interface Preferences {
  defaultAgent: string;
  /** Admission control: memory (bytes) a host must keep available besides the new agent; default 2 GiB. */
  memoryReserve?: number;
  /** Disk admission: bytes a filesystem must keep free for a new worktree to be made on it; default 5 GiB. */
  diskReserve?: number;
  notifications?: NotificationPreferences;
}

export type SessionState =
  | 'starting'
  | 'working'
  | 'waiting'
  | 'idle'
  | 'exited'
  | 'unreachable'
  /** A session Orchard recorded whose tmux session is gone (reboot, tmux server killed). */
  | 'stopped'
  /** Alive, but neither hooks nor the screen say what it is doing. */
  | 'unknown';
/**
 * permission: a tool needs approval; question: the agent asks (AskUserQuestion); input: it asks for
 * input in words; setup: a first-run dialog (trust this folder, login, auth); error: the turn ended
 * on an API error.
 */
export type WaitingReason = 'permission' | 'question' | 'input' | 'setup' | 'error';

export interface LastCommit {
  sha: string;
  subject: string;
  date: string;
}

export interface BranchInfo {
  name: string;
  /** 'local' for refs/heads, 'remote' for refs/remotes. */
  kind: 'local' | 'remote';
  upstream: string | null;
  ahead: number;
  behind: number;
  worktree: string | null;
  sessionId: string | null;
  lastCommit: LastCommit;
  /** Its worktree is half-made (an interrupted git or spawn): why. Never handed to an agent. */
  broken?: string;
}

export interface WorktreeInfo {
  path: string;
  head: string | null;
  /** Short branch name, or null when detached or bare. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  prunable: boolean;
}

export interface SessionInfo {
  id: string;
  repo: string;
  repoPath: string;
  branch: string;
  worktree: string;
  /** Orchard made this worktree for the session (only such worktrees are ever removed by Orchard). */
  ownsWorktree?: boolean;
  /** The session's worktree is half-made (`git worktree add` never finished): why. */
  worktreeBroken?: string;
  host: HostName;
  agent: string;
  state: SessionState;
  /** Why the agent waits (permission, question, input, error), or why it exited ("killed: memory limit 150M"). */
  reason?: string;
  /** What it waits for, when the agent said: "Edit notes.txt", a notification's message. */
  detail?: string;
  exitCode?: number;
  pid: number | null;
  createdAt: string;
  /** The agent's own session id (Claude Code `--session-id`), when there is one. */
  agentSessionId?: string;
  /** The agent's permission mode as it last reported it (Claude Code: default, acceptEdits, plan, auto, …). */
  permissionMode?: string;
  /** Where the state came from: the agent's hooks, or the screen check that corrected them. */
  stateSource?: 'hook' | 'screen';
  /** ISO time of the last state change the pane recorded (hook or screen verdict). */
  stateAt?: string;
  /** TCP ports the session's process tree listens on (dev servers), from the host's snapshot. */
  ports?: ListeningPort[];
  /** ISO time the session was last seen running (stopped sessions: from their durable record). */
  lastSeen?: string;
  /** The repo's setup runs in the pane before the agent, or failed and waits (retry / skip). */
  setup?: 'running' | 'failed';
  tmuxSession: string;
  paneId: string;
  /**
   * A headless session (`spawn --headless`): JSON messages in through a pipe, events out; how it
   * takes messages ('argv': only its first prompt).
   */
  headless?: HeadlessSpec['input'];
  // Review (src/core/review): the branch's base and where it stands against it.
  /** What the branch is merged into and diffed against (`@orchard_base`). */
  base?: string;
  /** Commits on the branch not on its base, and on the base not on the branch. */
  ahead?: number;
  behind?: number;
  /** The pull request (or compare page) made for it (`@orchard_pr`). */
  prUrl?: string;
  /** Set once Orchard merged it: "<base> <sha>" (`@orchard_merged`). */
  merged?: string;
}

// ---------------------------------------------------------------------------------------------
// Resources and limits

/** Where a host's limits are enforced, best first; 'soft' = Orchard watches and stops the tree. */
export type LimitBackend = 'systemd' | 'cgroup2' | 'cgroup1' | 'soft';

export interface ResourceLimits {
  /** Bytes. */
  memory?: number;
  /** Percent of one core (150 = one and a half cores). */
  cpu?: number;
}

export interface SessionLimits extends ResourceLimits {
  backend: LimitBackend;
}

export interface DiskStats {
  mount: string;
  total: number;
  used: number;
  available: number;
}

export interface HostStats {
  name: HostName;
  /** Percent of one core, summed over cores (2 busy cores = 200). */
  cpu: number;
  cores: number;
  memory: { total: number; used: number; available: number };
  swap: { total: number; used: number };
  /** 1, 5 and 15 minute load averages. */
  load: [number, number, number];
  disks: DiskStats[];
  /** Set when the host could not be sampled (unreachable, no /proc). */
  error?: string;
}

/** A TCP port a process of the session listens on. */
export interface ListeningPort {
  port: number;
  /** The listening address as the host reports it: 127.0.0.1, 0.0.0.0, ::, ::1, … */
  address: string;
  pid: number;
  /** The process's command name (comm). */
  command: string;
}

export interface SessionStats {
  id: string;
  host: HostName;
  /** Percent of one core over the last interval, the whole process tree under the pane. */
  cpu: number;
  /** Resident memory of the tree, bytes. */
  rss: number;
  processes: number;
  limits: SessionLimits | null;
  /** TCP ports in LISTEN state held by the session's process tree (dev servers). */
  ports?: ListeningPort[];
  /** Bytes on disk of the worktree Orchard made for it (`du -sk`, measured at most once a minute). */
  disk?: number;
}

export interface ResourceStats {
  /** ISO time of the sample. */
  at: string;
  hosts: HostStats[];
  sessions: SessionStats[];
}

/** One past sample, compact, for charts: [cpu %, memory used bytes] per host, [cpu %, rss] per session. */
export interface StatsPoint {
  /** ms since the epoch. */
  t: number;
  hosts: Record<HostName, [number, number]>;
  sessions: Record<string, [number, number]>;
}
