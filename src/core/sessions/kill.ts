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
import { runTeardown } from './teardown.ts';
import { findBrokenWorktrees } from './broken.ts';

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
): Promise<'clean' | 'broken' | false> {
  const wts = await git.worktrees();
  if (wts[0]?.path === s.worktree || repos.some((r) => r.host === s.host && r.path === s.worktree))
    throw new OrchardError(
      'worktree-main',
      `${s.worktree} is a repository's own work tree; it is never removed`,
    );
  // A half-made worktree Orchard made (an interrupted spawn; an older Orchard started agents in
  // them): removed whatever its state, since its "changes" are the files git never wrote.
  const repo = repos.find((r) => r.host === s.host && r.path === s.repoPath);
  const broken = (
    await findBrokenWorktrees(ctx, s.repoPath, repo?.worktreeRoot ? { worktreeRoot: repo.worktreeRoot } : {})
  ).find((b) => b.path === s.worktree && b.owned);
  if (!s.ownsWorktree && !broken)
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
  if (broken) return 'broken';
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
  return 'clean';
}

export async function killSession(
  ctx: HostContext,
  s: SessionInfo,
  repos: readonly RepoConfig[],
  opts: KillOptions,
): Promise<KillResult> {
  const git = new Git(ctx.host, s.repoPath);
  const remove = opts.removeWorktree ? await checkRemovable(ctx, git, s, repos, !!opts.force) : false;
  // The repo's teardown, before anything is killed: a failure refuses (unless forced) and changes nothing.
  const teardown = remove ? await runTeardown(ctx, repos, s) : null;
  if (teardown && teardown.code !== 0 && !opts.force)
    throw new OrchardError(
      'teardown-failed',
      `teardown failed (exit ${teardown.code}${teardown.timedOut ? ', timed out' : ''}) in ${s.worktree}; ` +
        `nothing was killed or removed (use --force to remove anyway)${teardown.output ? `:\n${teardown.output}` : ''}`,
    );
  // The whole tree first: daemons the agent started in sessions of their own (Codex's app-server)
  // would outlive the tmux session and be out of reach once the pane is gone (kill-tree.ts).
  // Killed on purpose: nothing to resume (records.ts). The record goes first, so that nothing that
  // watches (the host monitor) ever sees the session gone from tmux with its record still there.
  await removeRecord(ctx, s.id);
  const tree = s.pid ? await killProcessTree(ctx, s.pid, s.id) : null;
  await ctx.tmux.killSession(s.tmuxSession);
  const result: KillResult = {
    id: s.id,
    killed: true,
    worktreeRemoved: false,
    worktree: s.worktree,
    ...(teardown ? { teardown } : {}),
    ...(tree?.processes.length ? { ended: tree.processes } : {}),
  };
  if (!remove) return result;
  try {
    if (remove === 'broken') await git.forceRemoveWorktree(s.worktree);
    else await git.removeWorktree(s.worktree, !!opts.force);
    return { ...result, worktreeRemoved: true };
  } catch (e) {
    // The session is gone either way: say so, and that the worktree was kept.
    return { ...result, worktreeError: toErrorValue(e).message };
  }
}
