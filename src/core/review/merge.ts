// Commit and merge a session's branch. Everything that could refuse is checked BEFORE anything is
// changed: a detached HEAD, a dirty worktree (unless --all), a dirty target work tree, and a merge
// that would conflict (`git merge-tree --write-tree`, which writes objects but moves no ref). The
// merge runs in the base's own work tree; when the base is checked out nowhere it is done with
// plumbing (commit-tree + a compare-and-swap update-ref), so no checkout is ever switched and no
// temporary work tree is needed.
import type { MergeMode } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { SessionInfo } from '../../shared/model.ts';
import { Git } from '../git/git.ts';
import type { Host } from '../hosts/host.ts';
import { snapshot } from './diff.ts';
import { currentBranch, gitx, isAncestor, resolveCommit, statusLines } from './gitx.ts';

export async function sessionBranch(host: Host, s: SessionInfo): Promise<string> {
  const b = await currentBranch(host, s.worktree);
  if (!b)
    throw new OrchardError(
      'invalid-argument',
      `the worktree ${s.worktree} has a detached HEAD; check out a branch there first (nothing was changed)`,
    );
  return b;
}

/** `git commit`; a failing hook's output is the error message (it is what the user must read). */
export async function commitWorktree(
  host: Host,
  s: SessionInfo,
  message: string,
  all: boolean,
): Promise<{ branch: string; sha: string; subject: string }> {
  const branch = await sessionBranch(host, s);
  if (!message.trim()) throw new OrchardError('invalid-argument', 'a commit message is required (-m)');
  const changes = await statusLines(host, s.worktree, all);
  if (!changes.length)
    throw new OrchardError(
      'invalid-argument',
      `nothing to commit in ${s.worktree}${all ? '' : ' (new files need --all)'}`,
    );
  if (all) await gitx(host, s.worktree, ['add', '-A'], 'git add');
  const r = await host.exec(['git', '-C', s.worktree, 'commit', ...(all ? [] : ['-a']), '-F', '-'], {
    input: message,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  if (r.code !== 0) {
    const out = `${r.stdout}${r.stderr}`.trim();
    throw new OrchardError('command-failed', `git commit failed (nothing was committed):\n${out}`, out);
  }
  const sha = (await gitx(host, s.worktree, ['rev-parse', 'HEAD'], 'git rev-parse')).stdout.trim();
  return { branch, sha, subject: message.trim().split('\n')[0]! };
}

export interface MergePlanInput {
  host: Host;
  s: SessionInfo;
  into: string;
  mode: MergeMode;
  all: boolean;
  message?: string;
}

export interface MergePlan {
  branch: string;
  into: string;
  intoSha: string;
  /** The work tree where `into` is checked out, if any. */
  target: string | null;
  /** Uncommitted changes in the session's worktree (committed first with --all). */
  dirty: number;
  fastForward: boolean;
  /** The clean merge result's tree (from merge-tree). */
  tree: string;
}

/** Conflicting files listed in the error; nothing is changed. */
export async function planMerge(p: MergePlanInput): Promise<MergePlan> {
  const { host, s, into } = p;
  const repo = s.repoPath;
  const branch = await sessionBranch(host, s);
  if (into === branch) throw new OrchardError('invalid-argument', `${branch} cannot be merged into itself`);
  const intoSha = await resolveCommit(host, repo, `refs/heads/${into}`);
  if (!intoSha)
    throw new OrchardError(
      'branch-not-found',
      `${into} is not a local branch; a merge needs one to move (use --into <branch>)`,
    );
  const [dirty, wts] = await Promise.all([statusLines(host, s.worktree), new Git(host, repo).worktrees()]);
  if (dirty.length && !p.all)
    throw new OrchardError(
      'worktree-dirty',
      `${s.worktree} has ${dirty.length} uncommitted change(s); commit them first or merge with --all (nothing was changed)`,
    );
  const target = wts.find((w) => w.branch === into && !w.prunable)?.path ?? null;
  if (target && (await statusLines(host, target, false)).length)
    throw new OrchardError(
      'worktree-dirty',
      `${target} (where ${into} is checked out) has uncommitted changes; nothing was merged`,
    );
  // With --all the work is not committed yet: check the merge of what WOULD be committed, as a
  // dangling commit (no ref points at it), so a conflict still changes nothing.
  let head = `refs/heads/${branch}`;
  if (dirty.length) {
    const snap = await snapshot(host, s.worktree, into);
    head = (
      await gitx(
        host,
        s.worktree,
        ['commit-tree', snap.tree, '-p', 'HEAD', '-m', 'orchard merge check'],
        'git commit-tree',
      )
    ).stdout.trim();
  }
  const mt = await gitx(
    host,
    repo,
    ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', intoSha, head],
    'git merge-tree',
    { ok: [1] },
  );
  const [tree = '', ...files] = mt.stdout.split('\0').filter(Boolean);
  if (mt.code === 1)
    throw new OrchardError(
      'command-failed',
      `merging ${branch} into ${into} would conflict in: ${[...new Set(files)].join(', ')} (nothing was changed)`,
    );
  const fastForward = !dirty.length && (await isAncestor(host, repo, intoSha, `refs/heads/${branch}`));
  return { branch, into, intoSha, target, dirty: dirty.length, fastForward, tree };
}

const ENV_NOEDIT = { GIT_MERGE_AUTOEDIT: 'no', GIT_EDITOR: 'true' };

/** Move `into` (checked out nowhere) from its old sha to `sha`, refusing if it moved meanwhile. */
async function moveRef(host: Host, repo: string, into: string, sha: string, old: string, why: string) {
  await gitx(host, repo, ['update-ref', '-m', why, `refs/heads/${into}`, sha, old], 'git update-ref');
}

async function commitTree(host: Host, repo: string, tree: string, parents: string[], msg: string) {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  return (await gitx(host, repo, args, 'git commit-tree', { input: msg })).stdout.trim();
}

/** Run the merge planned (and already checked clean) by planMerge. Returns the base's new sha. */
export async function runMerge(
  host: Host,
  s: SessionInfo,
  plan: MergePlan,
  mode: MergeMode,
  message?: string,
) {
  const repo = s.repoPath;
  const { branch, into, target } = plan;
  const ref = `refs/heads/${branch}`;
  const branchSha = (await resolveCommit(host, repo, ref))!;
  const msg =
    message?.trim() ||
    (mode === 'squash' ? `Squash branch '${branch}' into ${into}` : `Merge branch '${branch}' into ${into}`);
  if (mode === 'rebase') {
    const r = await host.exec(['git', '-C', s.worktree, 'rebase', `refs/heads/${into}`], {
      env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...ENV_NOEDIT },
    });
    if (r.code !== 0) {
      await host.exec(['git', '-C', s.worktree, 'rebase', '--abort'], { env: { LC_ALL: 'C' } });
      throw new OrchardError(
        'command-failed',
        `rebasing ${branch} onto ${into} stopped; it was aborted and nothing changed`,
        r.stderr,
      );
    }
    const rebased = (await resolveCommit(host, repo, ref))!;
    if (target) await gitx(host, target, ['merge', '--ff-only', ref], 'git merge --ff-only');
    else await moveRef(host, repo, into, rebased, plan.intoSha, `orchard: fast-forward to ${branch}`);
  } else if (target) {
    const args = mode === 'squash' ? ['merge', '--squash', ref] : ['merge', '--no-edit', '-m', msg, ref];
    await gitx(host, target, args, 'git merge', { env: ENV_NOEDIT });
    if (mode === 'squash') {
      const r = await host.exec(['git', '-C', target, 'commit', '-F', '-'], {
        input: msg,
        env: { LC_ALL: 'C' },
      });
      if (r.code !== 0) {
        await host.exec(['git', '-C', target, 'reset', '--merge'], { env: { LC_ALL: 'C' } });
        throw new OrchardError(
          'command-failed',
          `the squash commit failed; ${target} was reset:\n${(r.stdout + r.stderr).trim()}`,
        );
      }
    }
  } else if (plan.fastForward && mode === 'merge') {
    await moveRef(host, repo, into, branchSha, plan.intoSha, `orchard: fast-forward to ${branch}`);
  } else {
    const parents = mode === 'squash' ? [plan.intoSha] : [plan.intoSha, branchSha];
    const sha = await commitTree(host, repo, plan.tree, parents, msg);
    await moveRef(host, repo, into, sha, plan.intoSha, `orchard: ${mode} ${branch}`);
  }
  return (await resolveCommit(host, repo, `refs/heads/${into}`))!;
}

/** Delete the branch only when every commit of it is in `into` (a squash merge's is not). */
export async function deleteMergedBranch(
  host: Host,
  repo: string,
  branch: string,
  into: string,
): Promise<void> {
  if (!(await isAncestor(host, repo, `refs/heads/${branch}`, `refs/heads/${into}`)))
    throw new OrchardError('invalid-argument', `${branch} is not fully merged into ${into}; it was kept`);
  await gitx(host, repo, ['branch', '-D', branch], 'git branch -D');
}
