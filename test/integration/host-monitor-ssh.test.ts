// The host monitor over a real sshd: the control clients ride the pooled SSH connection, so a
// connected client stays current with almost no remote processes, and a hook's state change on the
// remote tmux reaches the client in well under a second.
import { execFile } from 'node:child_process';
import { expect, test } from 'vitest';
import type { ServerMessage } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { createRouter } from '../../src/core/rpc/index.ts';
import { makeRepo, waitFor } from '../helpers/env.ts';
import { countExecs, hookLatencies, percentile, tracedSoFar } from '../helpers/monitor.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();

test('SSH: 10 idle sessions, a client for 30 s: ≤ 1 process a second; hook changes pushed in < 200 ms', async () => {
  const t = ssh.env.env;
  const repo = ssh.env.repoRef(makeRepo(t.dir, 'r'));
  const sessions: SessionInfo[] = [];
  for (let i = 0; i < 10; i++)
    sessions.push(await t.engine.spawn({ repo, branch: `s${i}`, newBranch: true }));
  const router = createRouter(t.engine);
  const lists: Array<{ at: number; list: SessionInfo[] }> = [];
  const conn = router.connect({
    id: 'ui',
    send: (m) => {
      const msg = m as ServerMessage;
      if (msg.t === 'evt' && msg.ch === 'sessionsChanged')
        lists.push({ at: performance.now(), list: msg.p as SessionInfo[] });
    },
  });
  // The remote tmux is on this machine (loopback sshd), with the remote side's own socket.
  const { TMUX_TMPDIR: _t, ...plain } = process.env;
  const remoteTmux = (...args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile('tmux', ['-L', ssh.env.remoteSocket, ...args], { env: plain }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  try {
    await conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'sessionsChanged' } });
    await waitFor(
      () => lists.at(-1)?.list.filter((s) => s.host === ssh.env.hostName && s.state === 'idle').length === 10,
      30_000,
      'ten idle remote sessions listed',
    );
    // The first list may come from the probe (one list-panes) before the control clients are up.
    await waitFor(() => router.monitor.host(ssh.env.hostName)?.mode === 'control', 10_000, 'control mode');
    expect(tracedSoFar(), 'the spawns were traced: the count below is real').toBeGreaterThan(10);
    const pushed = lists.length;
    const { count, lines } = await countExecs(30_000);
    console.log(`ssh, 10 sessions, 30 s: ${count} processes (${lines.join('; ') || 'none'})`);
    expect(count, lines.join('\n')).toBeLessThanOrEqual(30);
    expect(lists.length, 'nothing changed, so nothing was pushed').toBe(pushed);

    const lat = await hookLatencies(50, sessions, lists, (s, state) =>
      remoteTmux('set-option', '-p', '-t', s.paneId, '@orchard_state', state),
    );
    const p95 = percentile(lat, 95);
    console.log(`ssh hook → client: p50 ${percentile(lat, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    expect(p95).toBeLessThan(200);
  } finally {
    conn.dispose();
    router.dispose();
  }
}, 180_000);
