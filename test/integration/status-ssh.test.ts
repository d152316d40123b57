// Status over a real SSH host: hooks work through the remote tmux, and when the host goes away
// (sshd and its connections stopped) the monitor reports its sessions unreachable, then back.
import { expect, test } from 'vitest';
import type { SessionStateEvent as StateChange } from '../../src/shared/api.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { makeRepo, waitFor } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();

test('remote: waiting(permission) with detail, then unreachable while the host is down, then back', async () => {
  const t = ssh.env.env;
  const watcher = new FleetMonitor(t.engine, { retryMs: 500 }).start();
  const events: StateChange[] = [];
  watcher.onDidChangeState((x) => events.push(x));
  try {
    const s = await t.engine.spawn({
      repo: ssh.env.repoRef(makeRepo(t.dir, 'r')),
      branch: 'feature/login',
      newBranch: true,
    });
    const saw = (pred: (x: StateChange) => boolean, what: string, ms = 15_000) =>
      waitFor(() => events.find((x) => x.id === s.id && pred(x)), ms, what);
    await saw((x) => x.to === 'idle', 'idle');
    await t.engine.send(s.id, 'edit notes.txt');
    const w = await saw((x) => x.to === 'waiting', 'waiting');
    expect(w.session).toMatchObject({ reason: 'permission', detail: 'Edit notes.txt' });
    expect(w.session.host).toBe(ssh.env.hostName);
    await ssh.sshd.stop();
    const down = await saw((x) => x.to === 'unreachable', 'unreachable', 30_000);
    expect(down.from).toBe('waiting');
    expect(down.session.branch).toBe('feature/login');
    await ssh.sshd.start();
    const back = await saw((x) => x.from === 'unreachable', 'reachable again', 30_000);
    // The agent kept waiting in tmux meanwhile.
    expect(back.to).toBe('waiting');
  } finally {
    watcher.dispose();
  }
});
