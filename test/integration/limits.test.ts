// Limits for real: on this machine (root, cgroup v1) a 400 MB allocation under --memory 150M is
// killed by the kernel and the session says why; CPU quotas hold; limits change live; admission
// refuses a spawn when the reserve is not there.
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ResourceStats, SessionInfo } from '../../src/shared/model.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import { hostLimits, type LimitProbe } from '../../src/core/limits/probe.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let repo: string;
let probe: LimitProbe;
const made: string[] = [];
const hasCgroups = () => probe.backend === 'cgroup1' || probe.backend === 'cgroup2';

beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
  probe = await hostLimits(new LocalHost());
});
afterAll(async () => {
  t.cleanup();
  // The session cgroups empty out once tmux is gone; the kernel removes nothing by itself.
  const dirs = made.flatMap((id) =>
    probe.backend === 'cgroup1'
      ? [`${probe.memory}/${id}`, `${probe.cpu}/${id}`]
      : [`${probe.unified}/${id}`],
  );
  await waitFor(
    () =>
      dirs.every((d) => {
        try {
          if (existsSync(d)) rmdirSync(d);
          return true;
        } catch {
          return false;
        }
      }),
    10_000,
    'session cgroups removed',
  ).catch(() => undefined);
});

async function cli(...args: string[]) {
  const r = await runCli(args, t.env);
  return { ...r, json: () => JSON.parse(r.stdout) as unknown };
}

async function ls(): Promise<SessionInfo[]> {
  const r = await cli('ls', '--json');
  expect(r.code, r.stderr).toBe(0);
  return r.json() as SessionInfo[];
}

test('orchard host info names the backend, tmux and git', async () => {
  const r = await cli('host', 'info', '--json');
  expect(r.code, r.stderr).toBe(0);
  const info = r.json() as { limits: { backend: string; detail: string }; tmux: string; git: string };
  expect(info.limits.backend).toBe(probe.backend);
  expect(info.tmux).toMatch(/^\d+\.\d+/);
  expect(info.git).toMatch(/^\d+\.\d+/);
  // As root with the v1 memory and cpu controllers mounted and no systemd user manager, this machine
  // must get real cgroups, not soft limits.
  if (process.getuid?.() === 0 && existsSync('/sys/fs/cgroup/memory/cgroup.procs'))
    expect(['systemd', 'cgroup2', 'cgroup1']).toContain(info.limits.backend);
});

test('a 400 MB allocation under --memory 150M is killed, and the session says so', async () => {
  if (!hasCgroups()) return expect(probe.backend).toMatch(/soft|systemd/);
  const r = await cli('spawn', repo, 'hog', '--new', '--memory', '150M', '--json');
  expect(r.code, r.stderr).toBe(0);
  const id = (r.json() as SessionInfo).id;
  made.push(id);
  await waitFor(async () => (await ls()).find((s) => s.id === id)?.state === 'idle', 10_000, 'agent ready');
  const st = await cli('stats', '--json');
  const limits = (st.json() as ResourceStats).sessions.find((s) => s.id === id)?.limits;
  expect(limits).toEqual({ backend: probe.backend, memory: 150 * 1024 ** 2 });
  await t.engine.send(id, 'alloc 400');
  const dead = await waitFor(
    async () => (await ls()).find((s) => s.id === id && s.state === 'exited'),
    20_000,
    'the agent killed',
  );
  expect(dead.exitCode).toBe(137);
  expect(dead.reason).toBe('killed: memory limit 150M');
  expect(await t.engine.capture(id)).not.toContain('Allocated 400 MB');
});

test('--cpu holds a burning agent to its quota; orchard limit changes it live', async () => {
  if (!hasCgroups()) return;
  const r = await cli('spawn', repo, 'capped', '--new', '--cpu', '30%', '--json');
  expect(r.code, r.stderr).toBe(0);
  const id = (r.json() as SessionInfo).id;
  made.push(id);
  await waitFor(async () => (await ls()).find((s) => s.id === id)?.state === 'idle', 10_000, 'agent ready');
  await t.engine.send(id, 'burn 40');
  const cpuOf = async () =>
    ((await cli('stats', '--json')).json() as ResourceStats).sessions.find((s) => s.id === id)!;
  const capped = await cpuOf();
  expect(capped.cpu).toBeGreaterThan(5);
  expect(capped.cpu).toBeLessThan(45);
  const lim = await cli('limit', id, '--cpu', '120%', '--memory', '1G', '--json');
  expect(lim.code, lim.stderr).toBe(0);
  expect(lim.json()).toEqual({ id, backend: probe.backend, memory: 1024 ** 3, cpu: 120 });
  if (probe.backend === 'cgroup1')
    expect(readFileSync(`${probe.cpu}/${id}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('120000');
  // Above the old cap once the machine (shared, two cores) gives it the time: poll, not a timing.
  const freed = await waitFor(
    async () => {
      const x = await cpuOf();
      return x.cpu > 40 ? x : undefined;
    },
    20_000,
    'CPU above the old 30% cap',
  );
  expect(freed.limits).toEqual({ backend: probe.backend, memory: 1024 ** 3, cpu: 120 });
  await t.engine.kill(id);
});

test('orchard limit moves a session started without limits into its cgroup', async () => {
  if (!hasCgroups()) return;
  const s = await t.engine.spawn({ repo, branch: 'later', newBranch: true, command: 'sleep 600' });
  made.push(s.id);
  const r = await cli('limit', s.id, '--memory', '200M');
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('memory 200M');
  if (probe.backend === 'cgroup1') {
    const dir = `${probe.memory}/${s.id}`;
    expect(readFileSync(`${dir}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(200 * 1024 ** 2));
    const procs = readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').map(Number);
    expect(procs).toContain(s.pid);
  }
  await t.engine.kill(s.id);
});

test('admission: a spawn is refused below the memory reserve; --force overrides', async () => {
  await t.engine.store.update((c) => {
    c.preferences.memoryReserve = 1024 ** 5; // 1 PiB: no machine has that available
  });
  try {
    const refused = await cli('spawn', repo, 'greedy', '--new');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not enough memory on local: .* available, but Orchard keeps 1024T free/);
    expect(refused.stderr).toContain('--force');
    expect((await ls()).some((s) => s.branch === 'greedy')).toBe(false);
    const forced = await cli('spawn', repo, 'greedy', '--new', '--force', '--command', 'sleep 600', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    await t.engine.kill((forced.json() as SessionInfo).id);
  } finally {
    await t.engine.store.update((c) => {
      delete c.preferences.memoryReserve;
    });
  }
});

test('soft limits: the host monitor stops a tree over its memory limit, and the session says so', async () => {
  const s = await t.engine.spawn({ repo, branch: 'soft', newBranch: true });
  await waitFor(async () => (await t.engine.find(s.id)).state === 'idle', 10_000, 'agent ready');
  // As a host without cgroups would have tagged it at spawn (placeSession with a soft probe).
  const tmux = (await t.engine.hosts.get('local')).tmux;
  const tag = JSON.stringify({ backend: 'soft', memory: 150 * 1024 ** 2 });
  await tmux.run(['set-option', '-t', `=${s.tmuxSession}:`, '@orchard_limits', tag]);
  await t.engine.send(s.id, 'alloc 300');
  await waitFor(async () => (await t.engine.capture(s.id)).includes('Allocated 300 MB'), 10_000, 'allocated');
  // The monitor as `orchard web` runs it with no page open: nobody asks for stats.
  const monitor = new FleetMonitor(t.engine).start();
  let dead: SessionInfo;
  try {
    dead = await waitFor(
      async () => (await ls()).find((x) => x.id === s.id && x.state === 'exited'),
      10_000,
      'stopped',
    );
  } finally {
    monitor.dispose();
  }
  expect(dead.exitCode).toBe(137);
  expect(dead.reason).toBe('killed: memory limit 150M (soft limit, stopped by Orchard)');
});
