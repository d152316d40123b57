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
}

export interface Preferences {
  defaultAgent: string;
}

export type SessionState = 'starting' | 'working' | 'waiting' | 'idle' | 'exited' | 'unreachable';
export type WaitingReason = 'permission' | 'question' | 'input';

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
  host: HostName;
  agent: string;
  state: SessionState;
  /** Why the agent waits (permission, question, input) or a detail such as a notification text. */
  reason?: string;
  exitCode?: number;
  pid: number | null;
  createdAt: string;
  /** The agent's own session id (Claude Code `--session-id`), when there is one. */
  agentSessionId?: string;
  tmuxSession: string;
  paneId: string;
}
