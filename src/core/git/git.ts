// git operations over a Host. argv only; every ref and path is data, never a shell word.
import { OrchardError } from '../../shared/errors.ts';
import type { BranchInfo, WorktreeInfo } from '../../shared/model.ts';
import type { ExecResult, Host } from '../hosts/host.ts';
import { BRANCH_FORMAT, isDirtyStatus, parseBranchRefs, parseWorktreePorcelainZ } from './parse.ts';

const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };

export class Git {
  private readonly host: Host;
  readonly repoPath: string;

  constructor(host: Host, repoPath: string) {
    this.host = host;
    this.repoPath = repoPath;
  }

  private async run(args: string[], what: string, cwd = this.repoPath): Promise<ExecResult> {
    const r = await this.host.exec(['git', '-C', cwd, ...args], { env: GIT_ENV });
    if (r.code !== 0) {
      const msg = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
      throw new OrchardError('command-failed', `${what} failed: ${msg}`, r.stderr);
    }
    return r;
  }

  /** The top of the work tree at `path`, or a clear error when it is not one. */
  static async toplevel(host: Host, path: string): Promise<string> {
    if (!(await host.exists(path)))
      throw new OrchardError('repo-not-found', `no such directory: ${path} (on ${host.name})`);
    const r = await host.exec(['git', '-C', path, 'rev-parse', '--show-toplevel'], { env: GIT_ENV });
    if (r.code !== 0) throw new OrchardError('not-a-repo', `not a git work tree: ${path} (on ${host.name})`);
    return r.stdout.trim();
  }

  async worktrees(): Promise<WorktreeInfo[]> {
    const r = await this.host.exec(['git', '-C', this.repoPath, 'worktree', 'list', '--porcelain', '-z'], {
      env: GIT_ENV,
    });
    if (r.code === 0) return parseWorktreePorcelainZ(r.stdout);
    // git < 2.36 has no -z: the same records, newline-separated (paths with newlines are lost there).
    if (/unknown switch|usage:/.test(r.stderr)) {
      const plain = await this.run(['worktree', 'list', '--porcelain'], 'git worktree list');
      return parseWorktreePorcelainZ(plain.stdout.replace(/\n/g, '\0'));
    }
    const msg = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
    throw new OrchardError('command-failed', `git worktree list failed: ${msg}`, r.stderr);
  }

  /** Local and remote-tracking branches with ahead/behind and last commit: one git call. */
  async branchRefs(): Promise<BranchInfo[]> {
    const r = await this.run(
      ['for-each-ref', `--format=${BRANCH_FORMAT}`, 'refs/heads', 'refs/remotes'],
      'git for-each-ref',
    );
    return parseBranchRefs(r.stdout);
  }

  /** Branches joined with worktrees: two git calls, whatever the number of branches. */
  async branches(): Promise<BranchInfo[]> {
    const [refs, wts] = await Promise.all([this.branchRefs(), this.worktrees()]);
    const byBranch = new Map(wts.filter((w) => w.branch).map((w) => [w.branch as string, w.path]));
    for (const b of refs) if (b.kind === 'local') b.worktree = byBranch.get(b.name) ?? null;
    return refs;
  }

  /** Does `rev` name a commit (branch, tag, sha, `main~2`)? Never parsed as an option. */
  async isCommit(rev: string): Promise<boolean> {
    const r = await this.host.exec(
      ['git', '-C', this.repoPath, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
      { env: GIT_ENV },
    );
    return r.code === 0;
  }

  async isValidBranchName(name: string): Promise<boolean> {
    if (name.startsWith('-')) return false;
    const r = await this.host.exec(['git', 'check-ref-format', '--branch', name], { env: GIT_ENV });
    return r.code === 0;
  }

  async addWorktree(path: string, branch: string): Promise<void> {
    await this.run(['worktree', 'add', '--', path, branch], `git worktree add for ${JSON.stringify(branch)}`);
  }

  async addWorktreeNewBranch(path: string, branch: string, base: string, track = false): Promise<void> {
    const args = [
      'worktree',
      'add',
      ...(track ? ['--track'] : ['--no-track']),
      '-b',
      branch,
      '--',
      path,
      base,
    ];
    await this.run(args, `git worktree add -b ${JSON.stringify(branch)}`);
  }

  async isDirty(worktreePath: string): Promise<boolean> {
    const r = await this.run(['status', '--porcelain', '-z'], 'git status', worktreePath);
    return isDirtyStatus(r.stdout);
  }

  async removeWorktree(path: string, force: boolean): Promise<void> {
    await this.run(['worktree', 'remove', ...(force ? ['--force'] : []), '--', path], 'git worktree remove');
  }

  async prune(): Promise<void> {
    await this.run(['worktree', 'prune'], 'git worktree prune');
  }

  async headBranch(): Promise<string | null> {
    const r = await this.host.exec(
      ['git', '-C', this.repoPath, 'symbolic-ref', '--quiet', '--short', 'HEAD'],
      {
        env: GIT_ENV,
      },
    );
    return r.code === 0 ? r.stdout.trim() : null;
  }
}
