// The spawn lock over SSH: it lives in Orchard's folder on the remote host (~/.orchard), so two
// processes spawning one remote branch start one agent, and a dead holder's lock is taken over.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { CLI, git, makeRepo, runCli } from '../helpers/env.ts';
import { makeBigRepo } from '../helpers/big-repo.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const TRIALS = 10;
const ssh = useSshEnv();

test(`${TRIALS} trials of two CLIs spawning one remote branch: one agent, one clear refusal`, async () => {
  const { env, repoRef, hostName } = ssh.env;
  const repo = makeRepo(env.dir, 'remote-race');
  for (let i = 0; i < TRIALS; i++) {
    const branch = i % 2 ? `existing-${i}` : `new-${i}`;
    if (i % 2) git(repo, 'branch', branch);
    const args = ['spawn', repoRef(repo), branch, '--command', 'sleep 600', ...(i % 2 ? [] : ['--new'])];
    const results = await Promise.all([runCli(args, env.env), runCli(args, env.env)]);
    const won = results.filter((r) => r.code === 0);
    expect(won, JSON.stringify(results)).toHaveLength(1);
    expect(results.find((r) => r.code !== 0)!.stderr).toMatch(/session [0-9a-f]+ already runs on /);
    const sessions = (await env.engine.list()).filter((s) => s.branch === branch && s.host === hostName);
    expect(sessions).toHaveLength(1);
    expect(
      execFileSync('git', ['-C', repo, 'fsck', '--no-progress', '--no-dangling'], { encoding: 'utf8' }),
    ).toBe('');
    await env.engine.kill(sessions[0]!.id, { removeWorktree: true });
  }
  // The locks were on the remote side (its HOME), and all released.
  const remoteLocks = join(ssh.sshd.remoteHome, '.orchard', 'locks');
  expect(existsSync(remoteLocks)).toBe(true);
  for (const d of readdirSync(remoteLocks))
    expect(readdirSync(join(remoteLocks, d)).filter((n) => !n.includes('.gone-'))).toEqual([]);
  expect(existsSync(join(env.home, 'locks'))).toBe(false);
}, 150_000);

test('a remote spawn killed (SIGKILL of the CLI group) while the remote git works: the retry waits for it, undoes, succeeds', async () => {
  const { env, repoRef, hostName } = ssh.env;
  const repo = makeBigRepo(env.dir, 'remote-big', 3000, 100);
  for (const [i, delay] of [500, 1200, 2500].entries()) {
    const branch = `killed-${i}`;
    const args = ['spawn', repoRef(repo), branch, '--new', '--command', 'sleep 600'];
    const child = spawn(process.execPath, [CLI, ...args], { env: env.env, detached: true, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', r));
    await new Promise((r) => setTimeout(r, delay));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // done already
    }
    await exited;
    const had = (await env.engine.list()).find((s) => s.branch === branch && s.host === hostName);
    console.log(`remote kill ${i} at ${delay} ms: ${had ? 'complete session' : 'retried'}`);
    if (had) {
      expect(git(had.worktree, 'status', '--porcelain')).toBe('');
      await env.engine.kill(had.id, { removeWorktree: true, force: true });
      continue;
    }
    const r = await runCli(args, env.env, undefined, 120_000);
    expect(r.code, r.stderr).toBe(0);
    const s = (await env.engine.list()).filter((x) => x.branch === branch && x.host === hostName);
    expect(s).toHaveLength(1);
    expect(git(s[0]!.worktree, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(s[0]!.worktree, 'd29', 'f2999.txt'))).toBe(true);
    await env.engine.kill(s[0]!.id, { removeWorktree: true, force: true });
  }
  expect(git(repo, 'worktree', 'list', '--porcelain').split('\n\n').filter(Boolean)).toHaveLength(1);
  expect(git(repo, 'fsck', '--no-progress', '--no-dangling')).toBe('');
}, 240_000);
