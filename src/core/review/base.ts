// A session's base: the branch its work is diffed against and merged into. Recorded at spawn as the
// tmux tag @orchard_base (the --from commit-ish, else the repo's default branch), changed later with
// `orchard base`. Like every other tag, tmux holds it: nothing to drift.
import { OrchardError } from '../../shared/errors.ts';
import type { SessionInfo } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';
import type { HostContext } from '../hosts/registry.ts';
import { tmuxLiteral } from '../tmux/escape.ts';
import { gitx, resolveCommit } from './gitx.ts';

export const BASE_TAG = '@orchard_base';
export const PR_TAG = '@orchard_pr';
export const MERGED_TAG = '@orchard_merged';

async function localBranchExists(host: Host, repo: string, name: string): Promise<boolean> {
  return (await resolveCommit(host, repo, `refs/heads/${name}`)) !== null;
}

/**
 * The repo's default branch, as a local branch name when there is one: origin/HEAD (origin/main →
 * main), else main, else master, else whatever the repo's main work tree has checked out.
 */
export async function defaultBase(host: Host, repo: string): Promise<string> {
  const head = await gitx(
    host,
    repo,
    ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'],
    'git symbolic-ref',
    {
      ok: [1, 128],
    },
  );
  const remote = head.code === 0 ? head.stdout.trim() : '';
  if (remote) {
    const local = remote.slice(remote.indexOf('/') + 1);
    return (await localBranchExists(host, repo, local)) ? local : remote;
  }
  for (const b of ['main', 'master']) if (await localBranchExists(host, repo, b)) return b;
  const cur = await gitx(host, repo, ['symbolic-ref', '--quiet', '--short', 'HEAD'], 'git symbolic-ref', {
    ok: [1, 128],
  });
  return cur.code === 0 ? cur.stdout.trim() : 'HEAD';
}

/** The session's base: its tag, else (sessions from before bases were recorded) the default. */
export async function sessionBase(host: Host, s: SessionInfo): Promise<string> {
  return s.base || (await defaultBase(host, s.repoPath));
}

/** A base must name a commit and not look like an option. */
export async function checkBase(host: Host, repo: string, base: string): Promise<void> {
  if (base.startsWith('-') || !(await resolveCommit(host, repo, base)))
    throw new OrchardError(
      'branch-not-found',
      `base not found: ${JSON.stringify(base)} (a branch, tag or commit)`,
    );
}

/** Set a session-level tag (all of the session's panes see it). */
export async function setSessionTag(
  ctx: HostContext,
  s: SessionInfo,
  key: string,
  value: string,
): Promise<void> {
  const r = await ctx.tmux.run(['set-option', '-t', `=${s.tmuxSession}:`, key, tmuxLiteral(value)]);
  if (r.code !== 0)
    throw new OrchardError(
      'command-failed',
      `tmux set-option ${key} failed: ${r.stderr.trim() || `exit ${r.code}`}`,
    );
}
