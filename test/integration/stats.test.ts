// `orchard stats` against real processes: CPU from the change in CPU time, constant forks whatever
// the number of sessions, and the remote snapshot script (run here through LocalHost) agreeing with
// the in-process /proc reader.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResourceStats } from '../../src/shared/model.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import { readLocalSnapshot, readScriptSnapshot } from '../../src/core/monitor/snapshot.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let repo: string;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
});
afterAll(() => t.cleanup());

async function stats(env: NodeJS.ProcessEnv = t.env): Promise<{ s: ResourceStats; stderr: string }> {
  const r = await runCli(['stats', '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return { s: JSON.parse(r.stdout) as ResourceStats, stderr: r.stderr };
}

test('a CPU-burning session shows > 50 % CPU; an idle one little; host figures are real', async () => {
  const burner = await t.engine.spawn({ repo, branch: 'burn', newBranch: true });
  const quiet = await t.engine.spawn({ repo, branch: 'quiet', newBranch: true, command: 'sleep 600' });
  await waitFor(async () => (await t.engine.find(burner.id)).state === 'idle', 10_000, 'agent ready');
  await t.engine.send(burner.id, 'burn 40');
  await waitFor(async () => (await t.engine.find(burner.id)).state === 'working', 5000, 'working');
  // Poll: the machine is shared, a sample may fall where the burner got less than its core.
  const s = await waitFor(
    async () => {
      const x = (await stats()).s;
      return (x.sessions.find((y) => y.id === burner.id)?.cpu ?? 0) > 50 ? x : undefined;
    },
    20_000,
    'the burner above 50% CPU',
  );
  const b = s.sessions.find((x) => x.id === burner.id)!;
  const q = s.sessions.find((x) => x.id === quiet.id)!;
  expect(b.cpu).toBeGreaterThan(50);
  expect(b.rss).toBeGreaterThan(10 * 1024 * 1024); // node
  expect(b.processes).toBeGreaterThanOrEqual(2); // wrapper sh + node
  expect(q.cpu).toBeLessThan(10);
  expect(q.processes).toBeGreaterThanOrEqual(2); // wrapper sh + sh -c + sleep
  // Most expensive first.
  expect(s.sessions[0]!.id).toBe(burner.id);
  const host = s.hosts.find((h) => h.name === 'local')!;
  expect(host.error).toBeUndefined();
  expect(host.cpu).toBeGreaterThan(40);
  expect(host.memory.total).toBeGreaterThan(host.memory.available);
  expect(host.memory.used).toBe(host.memory.total - host.memory.available);
  expect(host.disks.length).toBeGreaterThan(0);
  expect(host.disks[0]!.total).toBeGreaterThan(host.disks[0]!.available);
  await t.engine.kill(burner.id);
  await t.engine.kill(quiet.id);
});

describe('50 sessions', () => {
  test('orchard stats --json forks a constant number of processes', async () => {
    const env = { ...t.env, ORCHARD_TRACE_EXEC: '1' };
    const count = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('[orchard exec]')).length;
    const first = await t.engine.spawn({ repo, branch: 's0', newBranch: true, command: 'sleep 600' });
    const one = await stats(env);
    expect(one.s.sessions.map((x) => x.id)).toEqual([first.id]);
    for (let i = 1; i < 50; i++)
      await t.engine.spawn({ repo, branch: `s${i}`, newBranch: true, command: 'sleep 600' });
    const fifty = await stats(env);
    expect(fifty.s.sessions).toHaveLength(50);
    expect(fifty.s.sessions.every((x) => x.processes >= 2 && x.rss > 0)).toBe(true);
    expect(count(one.stderr)).toBeGreaterThan(0);
    expect(count(fifty.stderr)).toBe(count(one.stderr));
  });
});

test('the remote snapshot script (one exec) agrees with the in-process /proc reader', async () => {
  const host = new LocalHost();
  const before = host.execs.count;
  const [script, local] = await Promise.all([readScriptSnapshot(host, [t.dir]), readLocalSnapshot([t.dir])]);
  expect(host.execs.count - before).toBe(1);
  expect(script.clkTck).toBe(local.clkTck);
  expect(script.pageSize).toBe(local.pageSize);
  expect(script.cpu.cores).toBe(local.cpu.cores);
  expect(script.mem.total).toBe(local.mem.total);
  expect(script.disks[0]!.total).toBe(local.disks[0]!.total);
  // This test process is in both, with the same parent.
  expect(script.procs.get(process.pid)?.ppid).toBe(process.ppid);
  expect(local.procs.get(process.pid)?.ppid).toBe(process.ppid);
  expect(Math.abs(script.procs.size - local.procs.size)).toBeLessThan(20);
});
