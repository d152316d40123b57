// SIGKILL trials of `orchard spawn --new` in a 3,000-file repo, shared by two test files (each
// runs half of the 20 kill points, interleaved over the spawn's length, so that each file stays
// short on a slow machine).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, git, makeEnv, runCli, type TestEnv } from './env.ts';
import { makeBigRepo } from './big-repo.ts';

export interface KillBench {
  readonly t: TestEnv;
  readonly repo: string;
  startSpawn(branch: string): { pid: number; exited: Promise<{ code: number | null; stderr: string }> };
}

/** Registers the file's env, a timed full spawn, the trials `indices` of `total`, and the final check. */
export function killTrials(indices: number[], total = 20): KillBench {
  let t: TestEnv;
  let repo: string;
  beforeAll(async () => {
    t = await makeEnv();
    repo = makeBigRepo(t.dir, 'big', 3000, 100);
  });
  afterAll(() => t.cleanup());

  const spawnArgs = (branch: string) => ['spawn', repo, branch, '--new', '--command', 'sleep 600'];

  /** Start `orchard spawn` as the leader of its own process group (as a shell job would be). */
  function startSpawn(branch: string): {
    pid: number;
    exited: Promise<{ code: number | null; stderr: string }>;
  } {
    const child = spawn(process.execPath, [CLI, ...spawnArgs(branch)], {
      env: t.env,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stderr })),
    );
    return { pid: child.pid!, exited };
  }

  function linkedWorktrees(): Array<{ path: string; branch: string | null; locked: boolean }> {
    return git(repo, 'worktree', 'list', '--porcelain')
      .split('\n\n')
      .filter(Boolean)
      .slice(1)
      .map((rec) => {
        const lines = rec.split('\n');
        const b = lines.find((l) => l.startsWith('branch '));
        return {
          path: lines[0]!.slice('worktree '.length),
          branch: b ? b.slice('branch refs/heads/'.length) : null,
          locked: lines.some((l) => l.startsWith('locked')),
        };
      });
  }

  async function cleanCheckout(worktree: string): Promise<void> {
    expect(git(worktree, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(worktree, 'd29', 'f2999.txt'))).toBe(true);
  }

  let fullMs = 0;
  test('a full spawn, timed: the kill points are drawn over its length', async () => {
    const start = Date.now();
    const r = await runCli(spawnArgs('timed'), t.env);
    fullMs = Date.now() - start;
    expect(r.code, r.stderr).toBe(0);
    const s = (await t.engine.list()).find((x) => x.branch === 'timed')!;
    await cleanCheckout(s.worktree);
    await t.engine.kill(s.id, { removeWorktree: true, force: true });
  });

  const outcomes = { complete: 0, leftovers: 0, nothing: 0 };
  const seen: string[] = [];

  /**
   * When to kill trial i. A delay alone drifts with the machine's load (a loaded machine spends the
   * whole delay starting node), so three in four trials wait for a phase of the spawn first: the
   * spawn lock taken, the checkout under way, the worktree made (between git and tmux).
   */
  async function killPoint(i: number, branch: string, done: () => boolean): Promise<string> {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const until = async (cond: () => boolean) => {
      while (!cond() && !done()) await sleep(3);
    };
    const path = join(t.dir, 'big.worktrees', branch);
    const admin = join(repo, '.git', 'worktrees', branch);
    const jitter = (max: number) => Math.floor(Math.random() * max);
    switch (i % 4) {
      case 0: {
        const ms = Math.floor(((i + Math.random()) / total) * fullMs);
        await sleep(ms);
        return `${ms} ms after start`;
      }
      case 1: {
        const locks = join(t.home, 'locks');
        await until(
          () => existsSync(locks) && readdirSync(locks).some((d) => existsSync(join(locks, d, 'git'))),
        );
        const ms = jitter(40);
        await sleep(ms);
        return `${ms} ms after the git lock was taken`;
      }
      case 2: {
        await until(() => existsSync(path));
        const ms = jitter(fullMs / 2);
        await sleep(ms);
        return `${ms} ms into the checkout`;
      }
      default: {
        await until(
          () => existsSync(join(path, '.git')) && existsSync(admin) && !existsSync(join(admin, 'locked')),
        );
        return 'right after git worktree add finished';
      }
    }
  }

  /** One trial: kill the spawn's process group at a point of its run, check, then run it again. */
  async function killTrial(i: number): Promise<void> {
    const branch = `k${i}`;
    const started = Date.now();
    const job = startSpawn(branch);
    let finished = false;
    void job.exited.then(() => (finished = true));
    const delayMs = await killPoint(i, branch, () => finished);
    try {
      process.kill(-job.pid, 'SIGKILL');
    } catch {
      // already done
    }
    await job.exited;
    const session = (await t.engine.list()).find((s) => s.branch === branch);
    if (session) {
      outcomes.complete++;
      await cleanCheckout(session.worktree);
      await expect(t.engine.spawn({ repo, branch, newBranch: true, command: 'sleep 600' })).rejects.toThrow(
        /already runs on/,
      );
      await t.engine.kill(session.id, { removeWorktree: true, force: true });
      console.log(`trial ${i}: killed ${delayMs}: complete session (${Date.now() - started} ms)`);
      return;
    }
    // No session: whatever is left is reported broken (never shown as a usable worktree). Orchard
    // looks first: a `git worktree add` killed before it wrote commondir leaves a record git itself
    // cannot read (every `git worktree list` fails), which Orchard removes as the dead spawn's.
    const info = (await t.engine.branches(repo)).find((b) => b.name === branch);
    const wt = linkedWorktrees().filter((w) => w.branch === branch);
    if (wt.length || (info?.worktree && existsSync(info.worktree))) {
      outcomes.leftovers++;
      expect(info?.broken, JSON.stringify({ info, wt })).toBeTruthy();
      seen.push(info!.broken!);
    } else outcomes.nothing++;
    // The same command then succeeds, in a complete, clean checkout.
    const retry = await t.engine.spawn({ repo, branch, newBranch: true, command: 'sleep 600' });
    await cleanCheckout(retry.worktree);
    expect((await t.engine.list()).filter((x) => x.branch === branch)).toHaveLength(1);
    expect((await t.engine.branches(repo)).find((b) => b.name === branch)?.broken).toBeUndefined();
    await t.engine.kill(retry.id, { removeWorktree: true, force: true });
    console.log(
      `trial ${i}: killed ${delayMs}: ${info?.broken ?? 'nothing left'} (${Date.now() - started} ms)`,
    );
  }

  test(`SIGKILL of the spawn's process group at ${indices.length} random points (trials ${indices.join(', ')} of ${total})`, async () => {
    for (const i of indices) await killTrial(i);
  }, 300_000);

  test("after the kills: nothing of the spawns' making is left", () => {
    // Nothing of the spawns' making is left: no worktree, no branch but main, git sound.
    expect(linkedWorktrees()).toEqual([]);
    const root = join(t.dir, 'big.worktrees');
    expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    expect(git(repo, 'fsck', '--no-progress', '--no-dangling')).toBe('');
    console.log(
      `SIGKILL trials: ${JSON.stringify(outcomes)} (full spawn ${fullMs} ms); broken seen: ${[...new Set(seen)].join(' | ')}`,
    );
    expect(outcomes.complete + outcomes.leftovers + outcomes.nothing).toBe(indices.length);
  });

  return {
    get t() {
      return t;
    },
    get repo() {
      return repo;
    },
    startSpawn,
  };
}
