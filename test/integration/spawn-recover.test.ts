// What interrupted spawns and gits leave is recognised (orchard branches / ls), undone by the next
// spawn when Orchard made it, refused when it did not; only the record that blocks is pruned and
// branches match exactly; a full disk is named.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { machineId, repoLockDir, type SpawnRecord } from '../../src/core/sessions/lock.ts';
import { findBrokenWorktrees } from '../../src/core/sessions/broken.ts';
import { git, makeEnv, makeRepo, runCli, type TestEnv } from '../helpers/env.ts';
import { makeBigRepo } from '../helpers/big-repo.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
});
afterAll(() => t.cleanup());

/** A pid that surely ran and is surely gone. */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
}

/** Make the on-disk state a spawn leaves when SIGKILLed inside `git worktree add`. */
function halfMake(repo: string, branch: string, path: string): void {
  git(repo, 'worktree', 'add', '-q', '-b', branch, '--', path, 'main');
  const admin = join(repo, '.git', 'worktrees', path.split('/').pop()!);
  writeFileSync(join(admin, 'locked'), 'initializing');
  writeFileSync(join(admin, 'index.lock'), '');
  rmSync(join(admin, 'index'));
  rmSync(join(path, 'd1'), { recursive: true, force: true });
}

async function writeDeadRecord(repo: string, branch: string, rec: Partial<SpawnRecord>): Promise<void> {
  const ctx = await t.engine.hosts.get('local');
  const dir = join(await repoLockDir(ctx, repo), 'deadbeefdeadbeef');
  mkdirSync(dir, { recursive: true });
  const record: SpawnRecord = {
    v: 1,
    nonce: 'n0',
    machine: machineId(),
    pid: deadPid(),
    startedAt: new Date().toISOString(),
    repoPath: repo,
    branch,
    ...rec,
  };
  writeFileSync(join(dir, 'record.json'), JSON.stringify(record) + '\n');
  // The lock folder of that branch: the next spawn of it takes this record over.
  const lockDir = join(await repoLockDir(ctx, repo), await branchKey(branch));
  rmSync(dir, { recursive: true });
  mkdirSync(lockDir, { recursive: true });
  writeFileSync(join(lockDir, 'record.json'), JSON.stringify(record) + '\n');
}

async function branchKey(branch: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(branch, 'utf8').digest('hex').slice(0, 16);
}

test('a SIGKILLed spawn --new: reported broken, then undone by the next spawn, which succeeds', async () => {
  const repo = makeBigRepo(t.dir, 'killed', 400, 100);
  const path = join(t.dir, 'killed.worktrees', 'feat');
  const base = git(repo, 'rev-parse', 'main').trim();
  halfMake(repo, 'feat', path);
  await writeDeadRecord(repo, 'feat', { worktree: path, createdBranch: true, base });

  const text = await runCli(['branches', repo], t.env);
  expect(text.stdout).toMatch(/feat .*\(BROKEN: git worktree add did not finish \(locked initializing\)/);
  const found = await findBrokenWorktrees(await t.engine.hosts.get('local'), repo);
  expect(found).toMatchObject([{ path, branch: 'feat', owned: true, registered: true }]);

  const r = await runCli(['spawn', repo, 'feat', '--new', '--command', 'sleep 600', '--json'], t.env);
  expect(r.code, r.stderr).toBe(0);
  const s = JSON.parse(r.stdout) as { id: string; worktree: string };
  expect(s.worktree).toBe(path);
  expect(git(path, 'status', '--porcelain')).toBe('');
  expect(existsSync(join(path, 'd1'))).toBe(true);
  expect(await findBrokenWorktrees(await t.engine.hosts.get('local'), repo)).toEqual([]);
  expect((await t.engine.branches(repo)).find((b) => b.name === 'feat')?.broken).toBeUndefined();
  await t.engine.kill(s.id, { removeWorktree: true });
});

test("killed before git wrote commondir: git cannot list worktrees; the dead spawn's record goes, the retry succeeds", async () => {
  const repo = makeRepo(t.dir, 'nocommon');
  const path = join(t.dir, 'nocommon.worktrees', 'half');
  const base = git(repo, 'rev-parse', 'main').trim();
  // What `git worktree add -b half` leaves when killed as it writes commondir (CI caught one).
  git(repo, 'worktree', 'add', '-q', '-b', 'half', '--', path, 'main');
  const admin = join(repo, '.git', 'worktrees', 'half');
  writeFileSync(join(admin, 'locked'), 'initializing');
  writeFileSync(join(admin, 'commondir'), ''); // created, not yet written
  rmSync(join(admin, 'index'));
  expect(() => git(repo, 'worktree', 'list')).toThrow(/failed to read .*commondir/);
  await writeDeadRecord(repo, 'half', { worktree: path, createdBranch: true, base });

  // The same spawn again, straight away: it removes what its dead run left and succeeds.
  const r = await runCli(['spawn', repo, 'half', '--new', '--command', 'sleep 600', '--json'], t.env);
  expect(r.code, r.stderr).toBe(0);
  const s = JSON.parse(r.stdout) as { id: string; worktree: string };
  expect(s.worktree).toBe(path);
  expect(git(path, 'status', '--porcelain')).toBe('');
  expect(existsSync(join(admin, 'commondir'))).toBe(true);
  expect(git(repo, 'worktree', 'list', '--porcelain')).toContain(path);
  await t.engine.kill(s.id, { removeWorktree: true });

  // Reported by `orchard branches` too, which repairs the same way (git works again after it).
  git(repo, 'worktree', 'add', '-q', '-b', 'half2', '--', `${path}2`, 'main');
  writeFileSync(join(`${admin}2`, 'commondir'), '');
  await writeDeadRecord(repo, 'half2', { worktree: `${path}2`, createdBranch: true, base });
  expect((await t.engine.branches(repo)).find((b) => b.name === 'half2')?.broken).toBe(
    'half-made folder left by an interrupted spawn',
  );
  expect(existsSync(`${admin}2`)).toBe(false);
  expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(`${path}2`);

  // Someone else's half-made record: left alone, and the error says which folder and what to do.
  git(repo, 'worktree', 'add', '-q', '-b', 'theirs', '--', join(t.dir, 'theirs'), 'main');
  writeFileSync(join(repo, '.git', 'worktrees', 'theirs', 'commondir'), '');
  const b = await runCli(['branches', repo], t.env);
  expect(b.code).not.toBe(0);
  expect(b.stderr).toMatch(/worktrees\/theirs is a half-made worktree record .*rm -r/);
  expect(existsSync(join(repo, '.git', 'worktrees', 'theirs'))).toBe(true);
});

test("killed while git wrote the new branch: its ref lock is the dead spawn's, removed; the retry succeeds", async () => {
  const repo = makeRepo(t.dir, 'reflock');
  const path = join(t.dir, 'reflock.worktrees', 'lk');
  const base = git(repo, 'rev-parse', 'main').trim();
  // What the `git branch` child of `git worktree add -b lk` leaves when killed mid-write.
  writeFileSync(join(repo, '.git', 'refs', 'heads', 'lk.lock'), `${base}\n`);
  const blocked = spawnSync('git', ['-C', repo, 'branch', 'lk'], { encoding: 'utf8' });
  expect(blocked.stderr).toMatch(/lk\.lock': File exists/);
  // Without a dead spawn of Orchard's behind it, the lock is not Orchard's: the error names it.
  const r0 = await runCli(['spawn', repo, 'lk', '--new', '--command', 'sleep 600'], t.env);
  expect(r0.code).toBe(1);
  expect(r0.stderr).toMatch(/refs\/heads\/lk\.lock exists \(another git is running/);
  expect(existsSync(join(repo, '.git', 'refs', 'heads', 'lk.lock'))).toBe(true);

  await writeDeadRecord(repo, 'lk', { worktree: path, createdBranch: true, base });
  const r = await runCli(['spawn', repo, 'lk', '--new', '--command', 'sleep 600', '--json'], t.env);
  expect(r.code, r.stderr).toBe(0);
  const s = JSON.parse(r.stdout) as { id: string; worktree: string };
  expect(s.worktree).toBe(path);
  expect(git(repo, 'rev-parse', 'lk').trim()).toBe(base);
  await t.engine.kill(s.id, { removeWorktree: true });
});

test('a half-made worktree Orchard did not make is refused, never handed to an agent', async () => {
  const repo = makeRepo(t.dir, 'foreign', ['main2']);
  const path = join(t.dir, 'elsewhere', 'mine');
  git(repo, 'branch', 'mine');
  git(repo, 'worktree', 'add', '-q', '--', path, 'mine');
  writeFileSync(join(repo, '.git', 'worktrees', 'mine', 'locked'), 'initializing');
  const r = await runCli(['spawn', repo, 'mine', '--command', 'sleep 600'], t.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /worktree .*mine is broken \(git worktree add did not finish.*not made by Orchard/,
  );
  expect(await t.engine.list()).toEqual([]);
  expect(existsSync(path)).toBe(true); // the user's: kept
});

test("ls and kill --remove-worktree: a session in a half-made worktree at Orchard's own folder", async () => {
  const repo = makeRepo(t.dir, 'older', ['reused']);
  const path = join(t.dir, 'older.worktrees', 'reused');
  // As an older Orchard did: a worktree at Orchard's path, reused, an agent started in it.
  git(repo, 'worktree', 'add', '-q', '--', path, 'reused');
  const s = await t.engine.spawn({ repo, branch: 'reused', command: 'sleep 600' });
  expect(s.ownsWorktree).toBeUndefined();
  writeFileSync(join(repo, '.git', 'worktrees', 'reused', 'locked'), 'initializing');
  const ls = await runCli(['ls'], t.env);
  expect(ls.stdout).toMatch(/reused .*\(worktree broken\)/);
  const k = await runCli(['kill', s.id, '--remove-worktree'], t.env);
  expect(k.code, k.stderr).toBe(0);
  expect(existsSync(path)).toBe(false);
  expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain('reused');
});

test('only the record that blocks is pruned; `login` does not block `feature/login`', async () => {
  const repo = makeRepo(t.dir, 'exact', ['login', 'feature/login', 'other']);
  git(repo, 'worktree', 'add', '-q', '--', join(t.dir, 'usb', 'login'), 'login');
  git(repo, 'worktree', 'add', '-q', '--', join(t.dir, 'usb', 'other'), 'other');
  rmSync(join(t.dir, 'usb'), { recursive: true, force: true });
  const s = await t.engine.spawn({ repo, branch: 'feature/login', command: 'sleep 600' });
  expect(s.branch).toBe('feature/login');
  const list = git(repo, 'worktree', 'list', '--porcelain');
  expect(list).toContain('usb/login');
  expect(list).toContain('usb/other');
  // The record of `login` itself is what blocks `login`: that one, and only it, is dropped.
  const l = await t.engine.spawn({ repo, branch: 'login', command: 'sleep 600' });
  const after = git(repo, 'worktree', 'list', '--porcelain');
  expect(after).not.toContain('usb/login');
  expect(after).toContain('usb/other');
  await t.engine.kill(s.id, { removeWorktree: true });
  await t.engine.kill(l.id, { removeWorktree: true });
});

test('a stale lock of a dead holder is taken over, and released after the spawn', async () => {
  const repo = makeRepo(t.dir, 'stale', ['b']);
  await writeDeadRecord(repo, 'b', {});
  const s = await t.engine.spawn({ repo, branch: 'b', command: 'sleep 600' });
  const ctx = await t.engine.hosts.get('local');
  const locks = readdirSync(await repoLockDir(ctx, repo)).filter((n) => !n.includes('.gone-'));
  expect(locks).toEqual([]);
  await t.engine.kill(s.id, { removeWorktree: true });
});

let mnt: string | undefined;
let mountError = '';
function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch (e) {
    mountError = String((e as Error).message).split('\n')[0]!;
    return false;
  }
}
afterAll(() => {
  if (mnt) spawnSync('umount', ['-l', mnt]);
});

test('disk full: "no space left on <mount> (N MB free)", nothing half-made, no temp file', async (ctx) => {
  mnt = join(t.dir, 'small');
  if (!mountTmpfs(mnt, '2m')) {
    mnt = undefined;
    ctx.skip(`cannot mount a tmpfs here: ${mountError}`);
    return;
  }
  const repo = makeBigRepo(mnt, 'full', 3000, 100, false);
  git(repo, 'branch', 'existing', 'main');
  for (const args of [['fresh', '--new'], ['existing']]) {
    // --force: past the disk reserve (it would refuse first), so that git itself runs out of space.
    const r = await runCli(['spawn', repo, ...args, '--command', 'sleep 600', '--force'], t.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`no space left on ${mnt} \\([\\d.]+ MB free, about [\\d.]+ MB needed\\)`),
    );
    expect(r.stderr).not.toMatch(/Could not reset index file/);
  }
  expect(git(repo, 'branch', '--list', 'fresh')).toBe('');
  expect(git(repo, 'branch', '--list', 'existing')).toContain('existing');
  expect(existsSync(join(mnt, 'full.worktrees'))).toBe(false);
  expect(git(repo, 'worktree', 'list', '--porcelain').split('\n\n').filter(Boolean)).toHaveLength(1);
  const tmp = execFileSync('find', [mnt, t.home, '-name', '*.tmp'], { encoding: 'utf8' });
  expect(tmp).toBe('');
  expect(await t.engine.list()).toEqual([]);
});

let homeMnt: string | undefined;
afterAll(() => {
  if (homeMnt) spawnSync('umount', ['-l', homeMnt]);
});

test("disk full where Orchard keeps its own state: the spawn lock's write names it, leaves no temp file", async (ctx) => {
  homeMnt = join(t.dir, 'home-full');
  if (!mountTmpfs(homeMnt, '1m')) {
    homeMnt = undefined;
    ctx.skip(`cannot mount a tmpfs here: ${mountError}`);
    return;
  }
  execFileSync('cp', [join(t.home, 'config.json'), homeMnt]);
  spawnSync('dd', ['if=/dev/zero', `of=${join(homeMnt, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
  const repo = makeRepo(t.dir, 'homefull', ['b']);
  const r = await runCli(['spawn', repo, 'b', '--command', 'sleep 600'], { ...t.env, ORCHARD_HOME: homeMnt });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`no space left on ${homeMnt} \\([\\d.]+ MB free\\)`));
  expect(execFileSync('find', [homeMnt, '-name', '*.tmp'], { encoding: 'utf8' })).toBe('');
  expect(existsSync(join(t.dir, 'homefull.worktrees', 'b'))).toBe(false);
  expect(await t.engine.list()).toEqual([]);
});
