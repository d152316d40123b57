// The CLI exits every time. Scripts run `orchard ls --json` in loops (status bars, prompts): one run
// that never exits blocks them forever. process.exit() could deadlock in Node's platform shutdown
// while a V8 background compile job waited for a GC (nodejs/node#54918); bin/orchard.js ends by
// letting the loop run dry instead. 500 runs with 50 sessions, each under a 10 s watchdog.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, makeEnv, makeRepo, ROOT, type TestEnv } from '../helpers/env.ts';

const RUNS = 500;
const CONCURRENCY = 8;
const WATCHDOG_MS = 10_000;

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
  const repo = makeRepo(t.dir, 'repo');
  for (let i = 0; i < 50; i++)
    await t.engine.spawn({ repo, branch: `s${i}`, newBranch: true, command: 'sleep 3600' });
}, 120_000);
afterAll(() => t.cleanup());

interface Run {
  args: string[];
  code: number | null;
  hung: boolean;
  out: string;
  err: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: t.env, cwd: ROOT });
    let out = '';
    let err = '';
    let hung = false;
    const dog = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, WATCHDOG_MS);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(dog);
      resolve({ args, code, hung, out, err });
    });
  });
}

test(
  `${RUNS} runs of ls --json and stats --json with 50 sessions: every one exits`,
  { timeout: 600_000 },
  async () => {
    const jobs = Array.from({ length: RUNS }, (_, i) => (i % 2 ? ['stats', '--json'] : ['ls', '--json']));
    const results: Run[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let job = jobs.shift(); job; job = jobs.shift()) results.push(await run(job));
      }),
    );
    expect(results).toHaveLength(RUNS);
    const hung = results.filter((r) => r.hung).map((r) => r.args.join(' '));
    expect(hung, `runs that did not exit within ${WATCHDOG_MS / 1000} s`).toEqual([]);
    const failed = results.filter((r) => r.code !== 0).map((r) => `${r.args.join(' ')}: ${r.code} ${r.err}`);
    expect(failed).toEqual([]);
    // Each run did its work before exiting: the whole list, every session in the stats.
    for (const r of results) {
      const v = JSON.parse(r.out) as unknown[] | { sessions: unknown[] };
      expect(Array.isArray(v) ? v.length : v.sessions.length).toBe(50);
    }
  },
);
