// Resources over a real SSH host (OpenSSH sshd on 127.0.0.1): per tick one list-panes and ONE exec
// of the snapshot script, whatever the sessions; CPU of a burning agent on the remote side.
import { expect, test } from 'vitest';
import { ResourceMonitor } from '../../src/core/monitor/monitor.ts';
import { makeRepo, waitFor } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();

test('an SSH host: two execs per sample (list-panes + snapshot), real figures, remote CPU', async () => {
  const t = ssh.env.env;
  const path = makeRepo(t.dir, 'remote-repo');
  const burner = await t.engine.spawn({ repo: ssh.env.repoRef(path), branch: 'burn', newBranch: true });
  for (const b of ['q1', 'q2'])
    await t.engine.spawn({ repo: ssh.env.repoRef(path), branch: b, newBranch: true, command: 'sleep 600' });
  expect(burner.host).toBe(ssh.env.hostName);
  await waitFor(async () => (await t.engine.find(burner.id)).state === 'idle', 15_000, 'agent ready');
  await t.engine.send(burner.id, 'burn 40');
  const monitor = new ResourceMonitor();
  const repos = (await t.engine.store.read()).repos;
  const host = (await t.engine.hosts.get(ssh.env.hostName)).host as unknown as { execs: { count: number } };
  await monitor.sample(t.engine.hosts, repos);
  const stats = await waitFor(
    async () => {
      const before = host.execs.count;
      const s = await monitor.sample(t.engine.hosts, repos);
      expect(host.execs.count - before).toBe(2);
      return (s.sessions.find((x) => x.id === burner.id)?.cpu ?? 0) > 50 ? s : undefined;
    },
    20_000,
    'the remote burner above 50% CPU',
  );
  const remote = stats.hosts.find((h) => h.name === ssh.env.hostName)!;
  expect(remote.error).toBeUndefined();
  expect(remote.memory.total).toBeGreaterThan(remote.memory.available);
  expect(remote.disks.length).toBeGreaterThan(0);
  expect(stats.sessions.filter((x) => x.host === ssh.env.hostName)).toHaveLength(3);
  expect(stats.sessions[0]!.id).toBe(burner.id);
  monitor.dispose();
  await t.engine.kill(burner.id);
});
