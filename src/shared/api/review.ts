// The contract, review: a session's changes, commit, merge, push, pull request, cleanup, gc.
// Part of src/shared/api.ts (the barrel).
import type { HostName } from '../model.ts';

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

/** git's one-letter status of a changed file, as `git status --short` shows it. */
export const DIFF_STATUS_LETTER: Record<DiffFile['status'], string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  renamed: 'R',
  copied: 'C',
  typechange: 'T',
};

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
