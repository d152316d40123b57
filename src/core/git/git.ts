// git operations over a Host. argv only; every ref and path is data, never a shell word.
import { OrchardError } from '../../shared/errors.ts';
import { posix } from 'node:path';
import type { BranchInfo } from '../../shared/model.ts';
import type { ExecResult, Host } from '../hosts/host.ts';
import {
  BRANCH_FORMAT,
  isDirtyStatus,
  parseBranchRefs,
  parseWorktreePorcelainZ,
  type WorktreeEntry,
} from './parse.ts';
import { isNoSpace, mayBeNoSpace, noSpaceError } from './space.ts';

/** git's private folder of one linked worktree (`.git/worktrees/<id>`), as found on disk. */
export interface AdminDir {
  dir: string;
  /** The worktree's `.git` file path it points at (from its `gitdir` file). */
  gitdir: string;
  /** Why it is locked, when a `locked` file exists ("" for a lock without a reason). */
  locked: string | null;
  /** Age in seconds of an index.lock left there, or null. */
  indexLockAgeS: number | null;
  hasIndex: boolean;
  /**
   * Its `commondir` file holds something. `git worktree add` writes it last of the record: killed
   * while writing it, it leaves it empty, and every `git worktree` command of the repo then fails
   * ("failed to read …/commondir") until the record is gone.
   */
  hasCommondir: boolean;
}

// One round trip over every admin folder: fields NUL-separated, one folder per record.
const ADMIN_SCAN =
  'now=$(date +%s); for d in "$1"/worktrees/*/; do [ -d "$d" ] || continue; d=${d%/}; ' +
  'printf "%s\\0" "$d"; cat -- "$d/gitdir" 2>/dev/null | tr -d "\\n"; printf "\\0"; ' +
  'if [ -f "$d/locked" ]; then printf "L"; cat -- "$d/locked" | tr -d "\\n"; fi; printf "\\0"; ' +
  'if [ -e "$d/index.lock" ]; then m=$(stat -c %Y -- "$d/index.lock" 2>/dev/null || stat -f %m -- "$d/index.lock"); ' +
  'printf "%s" $((now - m)); fi; printf "\\0"; [ -f "$d/index" ] && printf 1; printf "\\0"; ' +
  '[ -s "$d/commondir" ] && printf 1; printf "\\0\\n"; done; exit 0';
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
      if (isNoSpace(r.stderr)) throw await noSpaceError(this.host, cwd);
      // A lock file left behind: git's last line ("remove the file manually") does not say which.
      const lock = /Unable to create '([^']+\.lock)': File exists/.exec(r.stderr)?.[1];
      const msg = lock
        ? `${lock} exists (another git is running, or one was killed and left it; remove it if none runs)`
        : (r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`);
      throw new OrchardError('command-failed', `${what} failed: ${msg}`, r.stderr);
    }
    return r;
  }

  /** `refs/heads/<branch>.lock` of the repo, when one exists (a git killed while writing the branch). */
  async branchRefLock(branch: string): Promise<string | null> {
    const lock = posix.join(await this.commonDir(), 'refs', 'heads', `${branch}.lock`);
    return (await this.host.exists(lock)) ? lock : null;
  }

  /** The top of the work tree at `path`, or a clear error when it is not one. */
  static async toplevel(host: Host, path: string): Promise<string> {
    if (!(await host.exists(path)))
      throw new OrchardError('repo-not-found', `no such directory: ${path} (on ${host.name})`);
    const r = await host.exec(['git', '-C', path, 'rev-parse', '--show-toplevel'], { env: GIT_ENV });
    if (r.code !== 0) throw new OrchardError('not-a-repo', `not a git work tree: ${path} (on ${host.name})`);
    return r.stdout.trim();
  }

  async worktrees(): Promise<WorktreeEntry[]> {
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
    const half = /failed to read (.*\/worktrees\/[^/]+)\/commondir/.exec(r.stderr)?.[1];
    if (half)
      throw new OrchardError(
        'command-failed',
        `git worktree list failed: ${half} is a half-made worktree record (a \`git worktree add\` ` +
          `interrupted before it finished); git cannot list this repo's worktrees until that folder is ` +
          `removed (rm -r ${half})`,
        r.stderr,
      );
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
    await this.run(
      ['worktree', 'add', '--', path, branch],
      `git worktree add for ${JSON.stringify(branch)}`,
    ).catch((e: unknown) => this.explainAddFailure(e, path, branch));
  }

  /** A full disk named as such, with the mount and what is free, instead of git's last line. */
  private async explainAddFailure(e: unknown, path: string, rev: string): Promise<never> {
    const detail = e instanceof OrchardError ? (e.detail ?? '') : '';
    if (!mayBeNoSpace(detail)) throw e;
    const need = await this.checkoutSize(rev).catch(() => undefined);
    if (isNoSpace(detail)) throw await noSpaceError(this.host, path, need);
    const err = await noSpaceError(this.host, path, need);
    const free = /\(([\d.]+) MB free/.exec(err.message);
    // "unable to write file" without ENOSPC: a full disk only when the checkout does not fit.
    if (need !== undefined && free && need >= Number(free[1]) * 1024 * 1024 * 0.9) throw err;
    throw e;
  }

  /** Disk a checkout of `rev` takes, at 4 KiB blocks a file: to tell a full disk from other write errors. */
  async checkoutSize(rev: string): Promise<number> {
    const r = await this.run(['ls-tree', '-r', '-l', '-z', '--end-of-options', rev], 'git ls-tree');
    let total = 0;
    for (const e of r.stdout.split('\0')) {
      const size = Number(e.split(/\s+/)[3]);
      if (Number.isFinite(size)) total += Math.max(1, Math.ceil(size / 4096)) * 4096;
    }
    return total;
  }

  async revParse(rev: string): Promise<string> {
    const r = await this.run(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
      `git rev-parse ${JSON.stringify(rev)}`,
    );
    return r.stdout.trim();
  }

  /** Delete a branch only while it still points at `sha` (git checks and deletes atomically). */
  async deleteBranchAt(branch: string, sha: string): Promise<boolean> {
    const r = await this.host.exec(
      ['git', '-C', this.repoPath, 'update-ref', '-d', `refs/heads/${branch}`, sha],
      { env: GIT_ENV },
    );
    return r.code === 0;
  }

  /** The repository's common .git folder, absolute. */
  async commonDir(): Promise<string> {
    const r = await this.run(['rev-parse', '--git-common-dir'], 'git rev-parse --git-common-dir');
    return posix.resolve(this.repoPath, r.stdout.trim());
  }

  /** git's admin folders of linked worktrees, read straight from disk (one exec). */
  async adminDirs(): Promise<AdminDir[]> {
    const common = await this.commonDir();
    const r = await this.host.exec(['sh', '-c', ADMIN_SCAN, 'orchard-wt', common]);
    const out: AdminDir[] = [];
    for (const rec of r.stdout.split('\0\n')) {
      const [dir, gitdir = '', locked = '', age = '', idx = '', common = ''] = rec.split('\0');
      if (!dir) continue;
      out.push({
        dir,
        gitdir,
        locked: locked.startsWith('L') ? locked.slice(1) : null,
        indexLockAgeS: age ? Number(age) : null,
        hasIndex: idx === '1',
        hasCommondir: common === '1',
      });
    }
    return out;
  }

  /**
   * Remove one worktree and its record whatever state it is in (locked, index.lock, half checked
   * out, folder gone): only for worktrees Orchard knows it made. Never `git worktree prune`, which
   * would drop every stale record (another disk's worktrees may just be unmounted).
   */
  async forceRemoveWorktree(path: string): Promise<void> {
    const admin = (await this.adminDirs()).find((a) => a.gitdir === posix.join(path, '.git'));
    if (admin) await this.host.exec(['rm', '-f', '--', posix.join(admin.dir, 'index.lock')]);
    const r = await this.host.exec(
      ['git', '-C', this.repoPath, 'worktree', 'remove', '--force', '--force', '--', path],
      { env: GIT_ENV },
    );
    if (r.code === 0 && !(await this.host.exists(path))) return;
    // git refused (an old git, a folder without .git): remove the folder and this one record.
    const rm = await this.host.exec(['rm', '-rf', '--', path, ...(admin ? [admin.dir] : [])]);
    if (rm.code !== 0)
      throw new OrchardError(
        'command-failed',
        `cannot remove ${path}: ${rm.stderr.trim() || `exit ${rm.code}`}`,
      );
  }

  /** Drop git's record of a worktree whose folder is gone: that record only. */
  async dropStaleRecord(path: string): Promise<void> {
    await this.forceRemoveWorktree(path);
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
    await this.run(args, `git worktree add -b ${JSON.stringify(branch)}`).catch((e: unknown) =>
      this.explainAddFailure(e, path, base),
    );
  }

  async isDirty(worktreePath: string): Promise<boolean> {
    const r = await this.run(['status', '--porcelain', '-z'], 'git status', worktreePath);
    return isDirtyStatus(r.stdout);
  }

  async removeWorktree(path: string, force: boolean): Promise<void> {
    await this.run(['worktree', 'remove', ...(force ? ['--force'] : []), '--', path], 'git worktree remove');
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
