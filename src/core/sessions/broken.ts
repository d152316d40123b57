// Worktrees an interrupted git or spawn left half-made: found (for `orchard branches`, `ls`, `gc`
// and the next spawn), never handed to an agent, and removed when Orchard knows it made them.
import { posix } from 'node:path';
import type { RepoConfig } from '../../shared/model.ts';
import { Git, type AdminDir } from '../git/git.ts';
import type { WorktreeEntry } from '../git/parse.ts';
import type { HostContext } from '../hosts/registry.ts';
import { defaultWorktreeRoot } from '../repos.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { holderAlive, readSpawnRecords, type PendingSpawn, type SpawnRecord } from './lock.ts';
import { orchardPanes } from './list.ts';

// git processes on the host whose working folder is the path (the checkout child of `worktree
// add` runs there) or whose arguments name it (`worktree add` itself).
const GIT_AT_WORK =
  'for p in $(ps -eo pid=,comm= | awk \'$2 == "git" { print $1 }\'); do ' +
  '[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$1" ] && { echo busy; exit 0; }; ' +
  'ps -o args= -p "$p" 2>/dev/null | grep -qF -- " $1" && { echo busy; exit 0; }; done; exit 0';

/** An index.lock older than this, with no spawn at work, was left by a git that died. */
const INDEX_LOCK_STALE_S = 120;

export interface BrokenWorktree {
  path: string;
  branch: string | null;
  /** Why it cannot be used, in words for the user. */
  reason: string;
  /**
   * Orchard made it: a dead spawn's record names it, or `git worktree add` never finished at
   * Orchard's own worktree folder. Only such worktrees are removed without asking.
   */
  owned: boolean;
  /** Sessions that run in it (an older Orchard could start one there). */
  sessionIds: string[];
  /** Registered in git (false: a folder a dead spawn made, git has no record of it). */
  registered: boolean;
}

export interface FindBrokenOptions {
  /** The repo's worktree root (default `<repo>.worktrees`): `locked initializing` there is Orchard's. */
  worktreeRoot?: string;
  /** tmux panes already read by the caller (saves a list-panes). */
  panes?: PaneRecord[];
  /** The caller's own lock record (its nonce): what it inherited counts as left by the dead. */
  self?: string;
}

/** What the dead spawns of a repo may have made, by worktree path. */
function deadPending(records: SpawnRecord[], self?: string): { pending: PendingSpawn[]; live: Set<string> } {
  const live = new Set<string>();
  const pending: PendingSpawn[] = [];
  for (const r of records) {
    if (r.nonce === self) {
      pending.push(...(r.inherited ?? []));
      continue;
    }
    if (holderAlive(r)) {
      for (const x of [r, ...(r.inherited ?? [])]) if (x.worktree) live.add(x.worktree);
      continue;
    }
    pending.push(...(r.inherited ?? []), r);
  }
  return { pending, live };
}

function reasonsFor(
  wt: WorktreeEntry,
  admin: AdminDir | undefined,
  ownedByRecord: boolean,
  used: boolean,
): string[] {
  const why: string[] = [];
  if (wt.lockedReason === 'initializing' || admin?.locked === 'initializing')
    why.push('git worktree add did not finish (locked initializing)');
  if (admin?.indexLockAgeS != null && (ownedByRecord || admin.indexLockAgeS > INDEX_LOCK_STALE_S))
    why.push('an interrupted git left index.lock');
  // Only for Orchard's own: a user's `git worktree add --no-checkout` has no index either.
  if (admin && !admin.hasIndex && !wt.prunable && (ownedByRecord || why.length))
    why.push('checkout incomplete (no index)');
  if (!why.length && ownedByRecord && !used) why.push('its spawn was interrupted before the agent started');
  return why;
}

/** Orchard's broken worktrees of a repo (and other broken ones, with owned: false). Four reads. */
export async function findBrokenWorktrees(
  ctx: HostContext,
  repoPath: string,
  opts: FindBrokenOptions = {},
): Promise<BrokenWorktree[]> {
  const git = new Git(ctx.host, repoPath);
  const [found, records, panes] = await Promise.all([
    git.adminDirs(),
    readSpawnRecords(ctx, repoPath),
    opts.panes ?? ctx.tmux.listPanes().catch(() => []),
  ]);
  const { pending, live } = deadPending(records, opts.self);
  const owned = new Set(pending.flatMap((p) => (p.worktree ? [p.worktree] : [])));
  const admins = await dropHalfMadeRecords(ctx, found, owned);
  const wts = await git.worktrees();
  const root = opts.worktreeRoot ?? defaultWorktreeRoot({ path: repoPath });
  const sessions = orchardPanes(panes).filter((p) => p['@orchard_repo_path'] === repoPath);
  const sessionsOn = (path: string) =>
    sessions.filter((p) => p['@orchard_worktree'] === path).map((p) => p['@orchard_id']);
  const out: BrokenWorktree[] = [];
  for (const wt of wts.slice(1)) {
    if (wt.bare || live.has(wt.path)) continue;
    const admin = admins.find((a) => a.gitdir === posix.join(wt.path, '.git'));
    const ids = sessionsOn(wt.path);
    const why = reasonsFor(wt, admin, owned.has(wt.path), ids.length > 0);
    if (!why.length) continue;
    const initializing = why[0]!.includes('initializing') && wt.path.startsWith(root + '/');
    out.push({
      path: wt.path,
      branch: wt.branch,
      reason: why.join('; '),
      owned: owned.has(wt.path) || initializing,
      sessionIds: ids,
      registered: true,
    });
  }
  // A folder a dead spawn started to make, which git never registered (killed inside worktree add).
  for (const path of owned) {
    if (live.has(path) || wts.some((w) => w.path === path) || !(await ctx.host.exists(path))) continue;
    const p = pending.find((x) => x.worktree === path)!;
    out.push({
      path,
      branch: p.branch || null,
      reason: 'half-made folder left by an interrupted spawn',
      owned: true,
      sessionIds: sessionsOn(path),
      registered: false,
    });
  }
  return out;
}

/** Whether git's admin folder `dir` is the one `git worktree add` made for `path` (same name, or
 * the name with the number git appends when the name is taken). */
function adminFor(dir: string, path: string): boolean {
  const name = posix.basename(dir);
  const base = posix.basename(path);
  return name === base || (name.startsWith(base) && /^\d+$/.test(name.slice(base.length)));
}

/**
 * A `git worktree add` killed before it wrote `commondir` leaves a record git cannot read, and
 * then every `git worktree` command of the repo fails ("failed to read …/commondir"). When a dead
 * spawn of Orchard's made it, the record (git's metadata only, never anyone's work) is removed; the
 * half-made folder is then found like any other. Another's is left, and git's error says which.
 */
async function dropHalfMadeRecords(
  ctx: HostContext,
  admins: AdminDir[],
  owned: ReadonlySet<string>,
): Promise<AdminDir[]> {
  const ours = admins.filter(
    (a) =>
      !a.hasCommondir &&
      [...owned].some((p) => (a.gitdir ? a.gitdir === posix.join(p, '.git') : adminFor(a.dir, p))),
  );
  for (const a of ours) {
    const r = await ctx.host.exec(['rm', '-rf', '--', a.dir]);
    if (r.code !== 0)
      throw new Error(
        `cannot remove the half-made worktree record ${a.dir}: ${r.stderr.trim() || `exit ${r.code}`}`,
      );
  }
  return admins.filter((a) => !ours.includes(a));
}

/** A git still writing in `path`: its spawn died, but git lives on (SIGKILL of the CLI alone, or
 * a remote git whose SSH connection dropped). Removing the folder under it would race its writes. */
async function gitAtWork(ctx: HostContext, path: string): Promise<boolean> {
  const r = await ctx.host.exec(['sh', '-c', GIT_AT_WORK, 'orchard-git-busy', path]);
  return r.stdout.includes('busy');
}

async function waitForGitToEnd(ctx: HostContext, path: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (await gitAtWork(ctx, path)) {
    if (Date.now() > end)
      throw new Error(`a git process is still at work in ${path}; try again when it has finished`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Remove one broken worktree (its folder and its record in git, locked or not). Refuses what
 * Orchard did not make and what a session still runs in.
 */
export async function removeBrokenWorktree(
  ctx: HostContext,
  repoPath: string,
  b: BrokenWorktree,
): Promise<void> {
  if (!b.owned) throw new Error(`${b.path} was not made by Orchard; it is not removed`);
  if (b.sessionIds.length) throw new Error(`session ${b.sessionIds[0]} runs in ${b.path}; kill it first`);
  await waitForGitToEnd(ctx, b.path);
  const git = new Git(ctx.host, repoPath);
  if (b.registered) await git.forceRemoveWorktree(b.path);
  else await ctx.host.exec(['rm', '-rf', '--', b.path]);
}

/**
 * Undo what dead spawns left (their records were taken over with their lock): a worktree no agent
 * runs in is removed (no agent was ever handed it), and a branch a spawn created is deleted if it still points at its starting commit and
 * no worktree or session uses it.
 */
export async function undoPending(ctx: HostContext, repo: RepoConfig, self: SpawnRecord): Promise<void> {
  const pending = self.inherited ?? [];
  if (!pending.length) return;
  const git = new Git(ctx.host, repo.path);
  // `git worktree add -b` writes the new branch through a `git branch` child: killed with the
  // spawn, it leaves refs/heads/<branch>.lock, and git then refuses the branch for good. The dead
  // spawn's lock of that branch is ours now; with no git at work in the repo, its file goes.
  for (const p of pending) {
    const lock = p.createdBranch ? await git.branchRefLock(p.branch) : null;
    if (lock && !(await gitAtWork(ctx, repo.path))) await ctx.host.exec(['rm', '-f', '--', lock]);
  }
  const panes = orchardPanes(await ctx.tmux.listPanes()).filter((p) => p['@orchard_repo_path'] === repo.path);
  const broken = await findBrokenWorktrees(ctx, repo.path, {
    panes,
    self: self.nonce,
    ...(repo.worktreeRoot ? { worktreeRoot: repo.worktreeRoot } : {}),
  });
  for (const p of pending) {
    if (!p.worktree || panes.some((x) => x['@orchard_worktree'] === p.worktree)) continue;
    const b = broken.find((x) => x.path === p.worktree);
    if (b) await removeBrokenWorktree(ctx, repo.path, { ...b, owned: true });
  }
  const wts = await git.worktrees();
  for (const p of pending) {
    if (!p.createdBranch || !p.base) continue;
    const used =
      wts.some((w) => w.branch === p.branch) || panes.some((x) => x['@orchard_branch'] === p.branch);
    if (!used) await git.deleteBranchAt(p.branch, p.base);
  }
}
