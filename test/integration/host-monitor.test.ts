// The host monitor against real tmux, git and the fake agent: a connected client stays current with
// almost no processes run; a hook's state change is pushed, not polled; soft limits hold with no
// dashboard open; a tmux server that dies takes its sessions to "stopped", not to silence.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ServerMessage } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { createRouter } from '../../src/core/rpc/index.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import type { PtyStream } from '../../src/core/hosts/host.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { HostMonitor, SERVER_EXITED } from '../../src/core/status/host-monitor.ts';
import { Tmux } from '../../src/core/tmux/tmux.ts';
import type { OrchardConfig } from '../../src/core/store/store.ts';
import { FAKE_AGENT, makeEnv, makeRepo, waitFor, type TestEnv } from '../helpers/env.ts';
import { countExecs, hookLatencies, percentile, tracedSoFar } from '../helpers/monitor.ts';

let t: TestEnv;
let repo: string;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
  await t.engine.store.update((c) => {
    // The fake agent with no --settings: no hooks, only its screen tells.
    c.profiles.push({
      id: 'plain',
      label: 'No hooks',
      kind: 'custom',
      command: [process.execPath, FAKE_AGENT],
    });
  });
});
afterAll(() => t.cleanup());

const tmux = (...args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile('tmux', ['-L', t.socket, ...args], (e) => (e ? reject(e) : resolve())),
  );

test('10 idle sessions, a client subscribed for 30 s: ≤ 1 tmux/git process a second; hook changes pushed in < 200 ms', async () => {
  const sessions: SessionInfo[] = [];
  for (let i = 0; i < 10; i++)
    sessions.push(await t.engine.spawn({ repo, branch: `b${i}`, newBranch: true }));
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
  try {
    await conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'sessionsChanged' } });
    await waitFor(
      () => lists.at(-1)?.list.filter((s) => s.state === 'idle').length === 10,
      20_000,
      'ten idle sessions listed',
    );
    await waitFor(() => router.monitor.host('local')?.mode === 'control', 10_000, 'control mode');
    // Steady state: nothing changes; count every process Orchard starts meanwhile.
    expect(tracedSoFar(), 'the spawns were traced: the count below is real').toBeGreaterThan(10);
    const pushed = lists.length;
    const { count, lines } = await countExecs(30_000);
    console.log(`local, 10 sessions, 30 s: ${count} processes (${lines.join('; ') || 'none'})`);
    expect(count, lines.join('\n')).toBeLessThanOrEqual(30);
    expect(lists.length, 'nothing changed, so nothing was pushed').toBe(pushed);

    // 50 hook-style state changes from outside, each timed until the client has it.
    const lat = await hookLatencies(50, sessions, lists, (s, state) =>
      tmux('set-option', '-p', '-t', s.paneId, '@orchard_state', state),
    );
    const p95 = percentile(lat, 95);
    console.log(`local hook → client: p50 ${percentile(lat, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    expect(p95).toBeLessThan(200);
  } finally {
    conn.dispose();
    router.dispose();
    for (const s of sessions) await t.engine.kill(s.id, { removeWorktree: true, force: true });
  }
}, 120_000);

test('a soft memory limit is enforced with no client and no stats subscriber', async () => {
  const monitor = new FleetMonitor(t.engine).start();
  try {
    const s = await t.engine.spawn({ repo, branch: 'soft', newBranch: true });
    await waitFor(async () => (await t.engine.find(s.id)).state === 'idle', 10_000, 'agent ready');
    const tag = JSON.stringify({ backend: 'soft', memory: 150 * 1024 ** 2 });
    await tmux('set-option', '-t', `=${s.tmuxSession}:`, '@orchard_limits', tag);
    await t.engine.send(s.id, 'alloc 300');
    const dead = await waitFor(
      () => monitor.current?.find((x) => x.id === s.id && x.state === 'exited'),
      15_000,
      'stopped by the monitor',
    );
    expect(monitor.stats.wanted).toBe(false);
    expect(dead.exitCode).toBe(137);
    expect(dead.reason).toBe('killed: memory limit 150M (soft limit, stopped by Orchard)');
    await t.engine.kill(s.id);
  } finally {
    monitor.dispose();
  }
}, 60_000);

test('the tmux server killed: its sessions are reported stopped with the reason, then it comes back', async () => {
  const monitor = new FleetMonitor(t.engine).start();
  try {
    const a = await t.engine.spawn({ repo, branch: 'gone-a', newBranch: true, command: 'sleep 600' });
    const b = await t.engine.spawn({ repo, branch: 'gone-b', newBranch: true, command: 'sleep 600' });
    await waitFor(
      () => monitor.current?.filter((s) => [a.id, b.id].includes(s.id)).length === 2,
      10_000,
      'both',
    );
    await tmux('kill-server');
    const stopped = await waitFor(
      () => {
        const l = monitor.current?.filter((s) => s.state === 'stopped');
        return l?.length === 2 ? l : undefined;
      },
      10_000,
      'stopped sessions',
    );
    expect(stopped.map((s) => s.reason)).toEqual([SERVER_EXITED, SERVER_EXITED]);
    expect(stopped.map((s) => s.branch).sort()).toEqual(['gone-a', 'gone-b']);
    // A new server with a new session: the monitor finds it by itself; the two that died stay
    // listed as stopped (from their durable records) until resumed or forgotten.
    const c = await t.engine.spawn({ repo, branch: 'back', newBranch: true, command: 'sleep 600' });
    await waitFor(
      () =>
        monitor.current?.find((s) => s.id === c.id && s.state !== 'stopped') &&
        monitor.current.filter((s) => s.state === 'stopped').length === 2,
      10_000,
      'the new server seen, the dead sessions still stopped',
    );
    await waitFor(() => monitor.host('local')?.mode === 'control', 5000, 'control mode again');
    await t.engine.kill(c.id);
    for (const x of [a, b]) await t.engine.forget(x.id);
    monitor.refresh(); // what the router does after a request that changed sessions
    await waitFor(() => monitor.current?.length === 0, 10_000, 'forgotten');
  } finally {
    monitor.dispose();
  }
}, 60_000);

test('"stop all" killing every session at once through the router: gone, not "stopped"', async () => {
  const router = createRouter(t.engine);
  const conn = router.connect({ id: 'stop-all', send: () => undefined });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await t.engine.spawn({ repo, branch: `all${i}`, newBranch: true, command: 'sleep 600' })).id);
    await waitFor(
      () => router.monitor.current?.filter((s) => ids.includes(s.id)).length === 3,
      10_000,
      'listed',
    );
    await waitFor(() => router.monitor.host('local')?.mode === 'control', 10_000, 'control mode');
    await Promise.all(ids.map((id, i) => conn.handle({ t: 'req', id: i + 1, ch: 'kill', p: { id } })));
    await waitFor(
      () => router.monitor.host('local')?.mode === 'no-server',
      10_000,
      'the server gone with them',
    );
    expect(router.monitor.current).toEqual([]);
  } finally {
    conn.dispose();
    router.dispose();
  }
}, 60_000);

/** A monitor of this machine on `socket`, through `host` (a stand-in for one that lacks something). */
function localMonitor(host: LocalHost, socket: string, log: string[] = []): HostMonitor {
  const tmux = new Tmux(host, socket);
  return new HostMonitor(
    {
      name: 'local',
      context: async () => ({ host, tmux, home: async () => t.home }),
      config: () => t.engine.store.read() as Promise<OrchardConfig>,
      log: (m) => log.push(m),
    },
    { probeMs: 20, pollMs: 200 },
  );
}

test('no tmux server: the monitor waits without starting processes, and finds the server when it comes', async () => {
  const socket = `${t.socket}-none`;
  const m = localMonitor(new LocalHost(), socket).start();
  const tmuxHere = (...args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile('tmux', ['-L', socket, '-f', '/dev/null', ...args], (e) => (e ? reject(e) : resolve())),
    );
  try {
    const { count, lines } = await countExecs(3000);
    expect(count, lines.join('\n')).toBe(0);
    expect(m.mode).toBe('no-server');
    expect(m.sessions).toEqual([]);
    await tmuxHere(
      'new-session',
      '-d',
      '-s',
      'o-late',
      'sleep 600',
      ';',
      'set-option',
      '-t',
      '=o-late:',
      '@orchard_id',
      'abcdef12',
    );
    await waitFor(() => m.sessions?.some((s) => s.id === 'abcdef12'), 5000, 'the new server seen');
    expect(m.mode).toBe('control');
  } finally {
    m.dispose();
    await tmuxHere('kill-server').catch(() => undefined);
  }
}, 30_000);

test('where control mode is unavailable the monitor polls list-panes, and still sees hook changes', async () => {
  class NoPty extends LocalHost {
    override openPty(): Promise<PtyStream> {
      return Promise.reject(new Error('no pty on this host'));
    }
  }
  const s = await t.engine.spawn({ repo, branch: 'polled', newBranch: true, command: 'sleep 600' });
  const log: string[] = [];
  const m = localMonitor(new NoPty(), t.socket, log).start();
  try {
    await waitFor(() => m.mode === 'polling', 5000, 'polling mode');
    expect(log.join('\n')).toMatch(/control mode unavailable \(no pty on this host\); polling/);
    await waitFor(() => m.sessions?.some((x) => x.id === s.id), 5000, 'the session listed');
    await tmux('set-option', '-p', '-t', s.paneId, '@orchard_state', 'working');
    await waitFor(() => m.sessions?.find((x) => x.id === s.id)?.state === 'working', 3000, 'polled change');
  } finally {
    m.dispose();
    await t.engine.kill(s.id);
  }
}, 30_000);

test('an agent without hooks: a screen transition reaches the monitor within 1.5 s', async () => {
  const monitor = new FleetMonitor(t.engine).start();
  try {
    const s = await t.engine.spawn({ repo, branch: 'screen', newBranch: true, agent: 'plain' });
    await waitFor(() => monitor.current?.find((x) => x.id === s.id)?.state === 'idle', 15_000, 'idle prompt');
    const t0 = Date.now();
    await t.engine.send(s.id, 'sleep 2500'); // the spinner shows at once
    await waitFor(() => monitor.current?.find((x) => x.id === s.id)?.state === 'working', 5000, 'working');
    const toWorking = Date.now() - t0;
    await waitFor(() => monitor.current?.find((x) => x.id === s.id)?.state === 'idle', 8000, 'idle again');
    const toIdle = Date.now() - t0 - 2500; // the prompt is back 2.5 s after the send
    console.log(`screen → monitor: working after ${toWorking} ms, idle ${toIdle} ms after the turn ended`);
    expect(toWorking).toBeLessThan(1500);
    expect(toIdle).toBeLessThan(1500);
    await t.engine.kill(s.id);
  } finally {
    monitor.dispose();
  }
}, 60_000);
