// A spawn killed at any point (SIGKILL of its process group, in a 3,000-file repo) leaves either a
// complete session or leftovers Orchard recognises as its own: reported broken, never handed to an
// agent, and undone by the next spawn, after which the same command succeeds in a clean checkout.
// Here the even kill points and Ctrl-C / SIGTERM; the odd points in spawn-kill-odd.test.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { git, runCli, waitFor } from '../helpers/env.ts';
import { killTrials } from '../helpers/spawn-kill.ts';

const k = killTrials([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
const spawnArgs = (branch: string) => ['spawn', k.repo, branch, '--new', '--command', 'sleep 600'];

test('SIGINT (Ctrl-C to the process group) during the checkout: rolled back, branch deleted, exit 1', async () => {
  const job = k.startSpawn('interrupted');
  const path = join(k.t.dir, 'big.worktrees', 'interrupted');
  await waitFor(() => existsSync(path), 20_000, 'checkout to start');
  process.kill(-job.pid, 'SIGINT');
  const { code, stderr } = await job.exited;
  expect(code).toBe(1);
  expect(stderr).toMatch(/spawn interrupted by SIGINT; what it had made was removed/);
  expect(existsSync(path)).toBe(false);
  expect(git(k.repo, 'branch', '--list', 'interrupted')).toBe('');
  expect((await k.t.engine.list()).filter((s) => s.branch === 'interrupted')).toEqual([]);
  const retry = await runCli(spawnArgs('interrupted'), k.t.env);
  expect(retry.code, retry.stderr).toBe(0);
});

test('SIGTERM to the CLI alone after the worktree is made: the session is not left behind either', async () => {
  const job = k.startSpawn('termed');
  const path = join(k.t.dir, 'big.worktrees', 'termed');
  await waitFor(() => existsSync(path), 20_000, 'checkout to start');
  process.kill(job.pid, 'SIGTERM');
  const { code, stderr } = await job.exited;
  expect(code).toBe(1);
  expect(stderr).toMatch(/spawn interrupted by SIGTERM/);
  expect(existsSync(path)).toBe(false);
  expect(git(k.repo, 'branch', '--list', 'termed')).toBe('');
  expect((await k.t.engine.list()).filter((s) => s.branch === 'termed')).toEqual([]);
});
