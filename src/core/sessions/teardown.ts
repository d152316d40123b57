// Teardown: the repo's teardown command and trusted `.orchard/teardown`, run in a worktree Orchard
// made just before Orchard removes it (`kill --remove-worktree`, gc), within a time limit. The
// caller decides what a failure means: the CLI refuses the removal without --force, the window asks.
import type { TeardownResult } from '../../shared/api.ts';
import type { RepoConfig } from '../../shared/model.ts';
import type { HostContext } from '../hosts/registry.ts';
import { hasWork, repoScript, writeScriptFiles } from './scripts.ts';

export const TEARDOWN_TIMEOUT_S = 120;

/** Runs each file ($2...) in turn, the first failure ends it; `timeout` (where present) bounds it all. */
export const TEARDOWN_RUNNER = [
  't=$1; shift',
  'run() { for f; do "$f" || return $?; done; }',
  'if command -v timeout >/dev/null 2>&1; then',
  '  timeout -k 5 "$t" sh -c \'for f; do "$f" || exit $?; done\' orchard-teardown "$@"; c=$?',
  'else run "$@"; c=$?; fi',
  // The files were written for this run alone: not left behind.
  'for f; do rm -f -- "$f"; d=${f%/*}; done; [ -n "${d-}" ] && rmdir -- "$d" 2>/dev/null',
  'exit "$c"',
].join('\n');

export interface TeardownTarget {
  id: string;
  repoPath: string;
  worktree: string;
  branch: string;
}

/** The last lines of its output: enough to say why, short enough for a message. */
const tail = (s: string, n = 12) => s.trimEnd().split('\n').slice(-n).join('\n');

/**
 * Run the teardown of `t.worktree`, if the repo has one. The committed script is read at the
 * worktree's HEAD and runs only when its content is trusted; an untrusted one is reported, not run.
 * Never throws for the script's own failure: that is in the result (code, output).
 */
export async function runTeardown(
  ctx: HostContext,
  repos: readonly RepoConfig[],
  t: TeardownTarget,
  timeoutS = TEARDOWN_TIMEOUT_S,
): Promise<TeardownResult | null> {
  const repo = repos.find((r) => r.host === ctx.host.name && r.path === t.repoPath) ?? {
    name: t.repoPath,
    host: ctx.host.name,
    path: t.repoPath,
  };
  if (!(await ctx.host.exists(t.worktree))) return null;
  const s = await repoScript(ctx.host, repo, t.worktree, 'HEAD', 'teardown');
  if (!hasWork(s)) return null;
  const untrusted = s.script && !s.script.trusted ? { untrusted: s.script.path } : {};
  const files = await writeScriptFiles(ctx, t.id, 'teardown', s);
  if (!files.length) return { code: 0, output: '', ...untrusted };
  const r = await ctx.host.exec(
    ['sh', '-c', TEARDOWN_RUNNER, 'orchard-teardown', String(timeoutS), ...files],
    {
      cwd: t.worktree,
      env: {
        ORCHARD_REPO_PATH: t.repoPath,
        ORCHARD_WORKTREE: t.worktree,
        ORCHARD_BRANCH: t.branch,
        ORCHARD_SESSION_ID: t.id,
      },
      timeoutMs: (timeoutS + 15) * 1000,
    },
  );
  return {
    code: r.code,
    output: tail(`${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`),
    ...(r.code === 124 ? { timedOut: true } : {}),
    ...untrusted,
  };
}
