// Kill a session and, when asked, remove its worktree: every reason to keep the worktree is found
// BEFORE anything is killed, so a refusal leaves the session running and nothing removed.
import type { KillResult } from '../../shared/api.ts';
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import type { RepoConfig, SessionInfo } from '../../shared/model.ts';
import { Git } from '../git/git.ts';
import type { HostContext } from '../hosts/registry.ts';
import { killProcessTree } from './kill-tree.ts';
import { listHostSessions } from './list.ts';
import { removeRecord } from './records.ts';

export interface KillOptions {
  removeWorktree?: boolean;
  force?: boolean;
}

async function checkRemovable(
  ctx: HostContext,
  git: Git,
  s: SessionInfo,
  repos: readonly RepoConfig[],
  force: boolean,
): Promise<boolean> {
  const wts = await git.worktrees();
  if (wts[0]?.path === s.worktree || repos.some((r) => r.host === s.host && r.path === s.worktree))
    throw new OrchardError(
      'worktree-main',
      `${s.worktree} is a repository's own work tree; it is never removed`,
    );
  if (!s.ownsWorktree)
    throw new OrchardError(
      'worktree-not-owned',
      `${s.worktree} was not made by Orchard (the branch was already checked out there); it is kept. ` +
        'Nothing was killed: kill without --remove-worktree, or remove it yourself with git worktree remove',
    );
  const others = (await listHostSessions(ctx, [], Date.now(), false)).filter(
    (x) => x.worktree === s.worktree && x.id !== s.id,
  );
  if (others.length)
    throw new OrchardError(
      'invalid-argument',
      `session ${others[0]!.id} also uses ${s.worktree}; kill it first`,
    );
  const entry = wts.find((w) => w.path === s.worktree);
  if (!entry) return false; // already gone (removed or pruned by hand): nothing to remove
  if (entry.locked)
    throw new OrchardError(
      'worktree-locked',
      `worktree ${s.worktree} is locked (git worktree unlock it first); nothing was killed or removed`,
    );
  if (!force && (await git.isDirty(s.worktree)))
    throw new OrchardError(
      'worktree-dirty',
      `worktree ${s.worktree} has uncommitted changes; nothing was killed or removed (use --force to discard them)`,
    );
  return true;
}

export async function killSession(
  ctx: HostContext,
  s: SessionInfo,
  repos: readonly RepoConfig[],
  opts: KillOptions,
): Promise<KillResult> {
  const git = new Git(ctx.host, s.repoPath);
  const remove = opts.removeWorktree ? await checkRemovable(ctx, git, s, repos, !!opts.force) : false;
  // The whole tree first: daemons the agent started in sessions of their own (Codex's app-server)
  // would outlive the tmux session and be out of reach once the pane is gone (kill-tree.ts).
  const tree = s.pid ? await killProcessTree(ctx, s.pid, s.id) : null;
  await ctx.tmux.killSession(s.tmuxSession);
  await removeRecord(ctx, s.id); // killed on purpose: nothing to resume (records.ts)
  const result: KillResult = {
    id: s.id,
    killed: true,
    worktreeRemoved: false,
    worktree: s.worktree,
    ...(tree?.processes.length ? { ended: tree.processes } : {}),
  };
  if (!remove) return result;
  try {
    await git.removeWorktree(s.worktree, !!opts.force);
    return { ...result, worktreeRemoved: true };
  } catch (e) {
    // The session is gone either way: say so, and that the worktree was kept.
    return { ...result, worktreeError: toErrorValue(e).message };
  }
}
