// The spawn lock's pieces on the real local host: atomic take, wait, takeover of a dead holder with
// its unfinished work inherited, release; and git's lock reason read from the porcelain list.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseWorktreePorcelainZ } from '../../src/core/git/parse.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import type { HostContext } from '../../src/core/hosts/registry.ts';
import {
  acquireSpawnLock,
  FOREIGN_STALE_MS,
  holderAlive,
  machineId,
  readSpawnRecords,
  repoLockDir,
  type SpawnRecord,
} from '../../src/core/sessions/lock.ts';
import { Tmux } from '../../src/core/tmux/tmux.ts';

const home = mkdtempSync(join(tmpdir(), 'orchard-lock-'));
const host = new LocalHost();
const ctx: HostContext = { host, tmux: new Tmux(host, 'unused'), home: async () => home };
afterAll(() => rmSync(home, { recursive: true, force: true }));

const record = (over: Partial<SpawnRecord>): SpawnRecord => ({
  v: 1,
  nonce: 'x',
  machine: machineId(),
  pid: process.pid,
  startedAt: new Date().toISOString(),
  repoPath: '/r',
  branch: 'b',
  ...over,
});

test('holder liveness: this process, a dead pid, an abandoned record, another machine by age', () => {
  const dead = Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
  expect(holderAlive(record({}))).toBe(true);
  expect(holderAlive(record({ pid: dead }))).toBe(false);
  expect(holderAlive(record({ abandoned: true }))).toBe(false);
  const old = new Date(Date.now() - FOREIGN_STALE_MS - 1000).toISOString();
  expect(holderAlive(record({ machine: 'elsewhere', pid: 1 }))).toBe(true);
  expect(holderAlive(record({ machine: 'elsewhere', pid: 1, startedAt: old }))).toBe(false);
});

test('taken once at a time; the second waits for the first, then gets it', async () => {
  const first = await acquireSpawnLock(ctx, { repoPath: '/r', branch: 'feature/login' });
  await expect(
    acquireSpawnLock(ctx, { repoPath: '/r', branch: 'feature/login', waitMs: 300 }),
  ).rejects.toThrow(/another spawn of "feature\/login" is still in progress \(pid \d+, since /);
  // Another branch is another lock: `login` is not `feature/login`.
  const other = await acquireSpawnLock(ctx, { repoPath: '/r', branch: 'login', waitMs: 300 });
  const second = acquireSpawnLock(ctx, { repoPath: '/r', branch: 'feature/login', waitMs: 5000 });
  setTimeout(() => void first.release(), 300);
  const got = await second;
  expect(got.record.pid).toBe(process.pid);
  await got.release();
  await other.release();
  expect(readdirSync(await repoLockDir(ctx, '/r')).filter((n) => !n.includes('.gone-'))).toEqual([]);
});

test("a dead holder's lock is taken over in place, its unfinished spawn inherited", async () => {
  const dead = Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
  const a = await acquireSpawnLock(ctx, { repoPath: '/r2', branch: 'x' });
  await a.update({ pid: dead, worktree: '/r2.worktrees/x', createdBranch: true, base: 'abc' });
  expect(await readSpawnRecords(ctx, '/r2')).toMatchObject([{ worktree: '/r2.worktrees/x', pid: dead }]);
  const b = await acquireSpawnLock(ctx, { repoPath: '/r2', branch: 'x', waitMs: 2000 });
  expect(b.record.pid).toBe(process.pid);
  expect(b.record.inherited).toEqual([
    { branch: 'x', worktree: '/r2.worktrees/x', createdBranch: true, base: 'abc' },
  ]);
  await b.release();
  expect(await readSpawnRecords(ctx, '/r2')).toEqual([]);
});

test('git porcelain: the lock reason is kept ("initializing" = git worktree add never finished)', () => {
  const out = [
    'worktree /r',
    'HEAD 1',
    'branch refs/heads/main',
    '',
    'worktree /w',
    'HEAD 1',
    'branch refs/heads/x',
    'locked initializing',
    '',
    '',
  ].join('\0');
  expect(parseWorktreePorcelainZ(out)[1]).toMatchObject({ locked: true, lockedReason: 'initializing' });
});
