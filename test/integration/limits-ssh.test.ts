// Limits over a real SSH host (OpenSSH sshd on 127.0.0.1, root here, cgroup v1): the probe and the
// cgroup writes run through the SSH Host port; the memory limit kills for real and the session says so.
import { existsSync, rmdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hostInfo } from '../../src/core/limits/limits.ts';
import { makeRepo, waitFor } from '../helpers/env.ts';
import { makeSshd, makeSshEnv, type Sshd, type SshTestEnv } from '../helpers/sshd.ts';

let sshd: Sshd;
let e: SshTestEnv;
const dirs: string[] = [];
beforeAll(async () => {
  sshd = await makeSshd();
  e = await makeSshEnv(sshd);
});
afterAll(async () => {
  await e?.teardown();
  await sshd?.cleanup();
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
    'cgroups removed',
  ).catch(() => undefined);
});

test('spawn --memory over SSH: probed remotely, killed by the kernel, reported', async () => {
  const t = e.env;
  const info = await hostInfo(t.engine, e.hostName);
  expect(info.tmux).toMatch(/^\d+\.\d+/);
  // The "remote" is this machine as root: cgroup v1 memory + cpu are there to be used.
  if (process.getuid?.() === 0 && existsSync('/sys/fs/cgroup/memory/cgroup.procs'))
    expect(info.limits.backend).not.toBe('soft');
  if (info.limits.backend !== 'cgroup1' && info.limits.backend !== 'cgroup2') return;
  const path = makeRepo(t.dir, 'remote-repo');
  const s = await t.engine.spawn({
    repo: e.repoRef(path),
    branch: 'hog',
    newBranch: true,
    limits: { memory: 150 * 1024 ** 2 },
  });
  const tmux = (await t.engine.hosts.get(e.hostName)).tmux;
  const tag = JSON.parse(
    (await tmux.run(['show-options', '-v', '-t', `=${s.tmuxSession}:`, '@orchard_limits'])).stdout,
  ) as { cgroups: string[] };
  dirs.push(...tag.cgroups);
  await waitFor(async () => (await t.engine.find(s.id)).state === 'idle', 15_000, 'agent ready');
  await t.engine.send(s.id, 'alloc 400');
  const dead = await waitFor(
    async () => {
      const x = await t.engine.find(s.id);
      return x.state === 'exited' ? x : undefined;
    },
    20_000,
    'killed',
  );
  expect(dead.exitCode).toBe(137);
  expect(dead.reason).toBe('killed: memory limit 150M');
});
