// The contract, repos and new worktrees: registering a repo, and what a spawn does to a new
// worktree before the agent starts. Part of src/shared/api.ts (the barrel).
import type { HostName } from '../model.ts';

export interface AddRepoParams {
  /** Path of a git work tree on `host`. */
  path: string;
  name?: string;
  host?: HostName;
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
