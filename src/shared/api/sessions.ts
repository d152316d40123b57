// The contract, sessions: spawn, kill, resume / restart / forget, typing into an agent, agent
// profiles, and the state changes pushed as `sessionState`. Part of src/shared/api.ts (the barrel).
import type { ErrorValue } from '../errors.ts';
import type { AgentProfile, HostName, ResourceLimits, SessionInfo, SessionState } from '../model.ts';
import type { TeardownResult } from './repos.ts';

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

export interface SessionStateEvent {
  id: string;
  /** null: the session is new to this server. */
  from: SessionState | null;
  to: SessionState;
  session: SessionInfo;
}
