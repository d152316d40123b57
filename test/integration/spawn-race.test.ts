// Two processes spawning one branch at once (the app and `orchard web`, two CLIs): exactly one
// agent each time, the other a clear error, and git's worktree records intact.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { git, makeEnv, runCli, type TestEnv } from '../helpers/env.ts';
import { makeBigRepo } from '../helpers/big-repo.ts';

const TRIALS = 20;
let t: TestEnv;
let repo: string;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeBigRepo(t.dir, 'race', 300);
});
afterAll(() => t.cleanup());

function fsckClean(): void {
  // Throws (failing the test) on a non-zero exit; prints nothing on a sound repository.
  const out = execFileSync('git', ['-C', repo, 'fsck', '--no-progress', '--no-dangling'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(out).toBe('');
}

type Mode = 'existing worktree' | 'existing branch' | 'new branch';

async function trial(mode: Mode, i: number): Promise<void> {
  const branch = `${mode.replace(' ', '-')}-${i}`;
  if (mode === 'existing worktree')
    git(repo, 'worktree', 'add', '-q', '-b', branch, '--', `${t.dir}/own-${i}`);
  if (mode === 'existing branch') git(repo, 'branch', '--', branch);
  const args = ['spawn', repo, branch, '--command', 'sleep 600', ...(mode === 'new branch' ? ['--new'] : [])];
  const results = await Promise.all([runCli(args, t.env), runCli(args, t.env)]);
  const won = results.filter((r) => r.code === 0);
  const lost = results.filter((r) => r.code !== 0);
  expect(won, JSON.stringify(results)).toHaveLength(1);
  expect(lost[0]!.stderr).toMatch(/session [0-9a-f]+ already runs on /);
  const sessions = (await t.engine.list()).filter((s) => s.branch === branch);
  expect(sessions).toHaveLength(1);
  const records = git(repo, 'worktree', 'list', '--porcelain').split('\n\n');
  expect(records.filter((r) => r.split('\n').includes(`branch refs/heads/${branch}`))).toHaveLength(1);
  expect(records.filter((r) => r.includes('prunable'))).toEqual([]);
  fsckClean();
  await t.engine.kill(sessions[0]!.id);
}

describe.each<Mode>(['existing worktree', 'existing branch', 'new branch'])(
  'two CLIs spawning: %s',
  (mode) => {
    test(`${TRIALS} trials: one agent, one clear refusal, git fsck clean`, async () => {
      for (let i = 0; i < TRIALS; i++) await trial(mode, i);
    }, 150_000);
  },
);
