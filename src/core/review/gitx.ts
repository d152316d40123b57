// git for the review features (diff, commit, merge, push, pr, gc) on a session's host: argv only,
// every ref and path is data. Failures become one clear line (git's own last line of stderr).
import { OrchardError, type ErrorCode } from '../../shared/errors.ts';
import type { ExecResult, Host } from '../hosts/host.ts';

/** No prompts, no optional locks (a status must not fight the agent's own git), stable messages. */
export const GIT_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  LC_ALL: 'C',
  // Paths handed to git are file names, never globs: `*.ts` must not match every file.
  GIT_LITERAL_PATHSPECS: '1',
};

export interface GitxOptions {
  input?: string;
  env?: Record<string, string>;
  /** Exit codes that are answers, not failures (merge-tree's 1 = conflicts). */
  ok?: number[];
  code?: ErrorCode;
}

export function lastLine(r: ExecResult): string {
  const lines = (r.stderr.trim() || r.stdout.trim()).split('\n').filter(Boolean);
  return lines.pop() ?? `exit ${r.code}`;
}

export async function gitx(
  host: Host,
  cwd: string,
  args: string[],
  what: string,
  opts: GitxOptions = {},
): Promise<ExecResult> {
  const r = await host.exec(['git', '-C', cwd, ...args], {
    env: { ...GIT_ENV, ...(opts.env ?? {}) },
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  if (r.code !== 0 && !(opts.ok ?? []).includes(r.code))
    throw new OrchardError(opts.code ?? 'command-failed', `${what} failed: ${lastLine(r)}`, r.stderr);
  return r;
}

/** `git rev-parse --verify` of a commit-ish: its sha, or null. Never parsed as an option. */
export async function resolveCommit(host: Host, cwd: string, rev: string): Promise<string | null> {
  const r = await gitx(
    host,
    cwd,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
    'git rev-parse',
    { ok: [1, 128] },
  );
  return r.code === 0 ? r.stdout.trim() : null;
}

/** The branch checked out at `cwd`, or null when HEAD is detached. */
export async function currentBranch(host: Host, cwd: string): Promise<string | null> {
  const r = await gitx(host, cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], 'git symbolic-ref', {
    ok: [1, 128],
  });
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Tracked changes (and, with untracked, new files) at `cwd`: `git status --porcelain` lines. */
export async function statusLines(host: Host, cwd: string, untracked = true): Promise<string[]> {
  const r = await gitx(
    host,
    cwd,
    ['status', '--porcelain', '-z', untracked ? '--untracked-files=all' : '--untracked-files=no'],
    'git status',
  );
  return r.stdout.split('\0').filter(Boolean);
}

export async function isAncestor(host: Host, cwd: string, a: string, b: string): Promise<boolean> {
  const r = await gitx(host, cwd, ['merge-base', '--is-ancestor', a, b], 'git merge-base', { ok: [1] });
  return r.code === 0;
}
