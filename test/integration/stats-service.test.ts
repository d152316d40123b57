// The stats service behind the `stats` request and event: real samples (taken by the host
// monitors), history, pushes only while someone listens, and the router answering `stats` with it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ServerMessage, StatsSnapshot } from '../../src/shared/api.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { createRouter } from '../../src/core/rpc/index.ts';
import { makeEnv, makeRepo, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let repo: string;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
});
afterAll(() => t.cleanup());

test('current() samples twice when cold, then keeps history; retain() pushes samples', async () => {
  const s = await t.engine.spawn({ repo, branch: 'a', newBranch: true, command: 'sleep 600' });
  const monitor = new FleetMonitor(t.engine, { stats: { intervalMs: 200, lingerMs: 0 } }).start();
  const svc = monitor.stats;
  try {
    const first = await svc.current();
    expect(first.hosts[0]).toMatchObject({ name: 'local' });
    expect(first.history!.length).toBeGreaterThanOrEqual(2);
    expect(first.history!.at(-1)!.sessions[s.id]![1]).toBeGreaterThan(0); // rss
    const pushed: StatsSnapshot[] = [];
    svc.onDidSample((x) => pushed.push(x));
    const held = svc.retain();
    await waitFor(() => pushed.length >= 3, 10_000, 'three pushes');
    expect(pushed.at(-1)!.sessions.map((x) => x.id)).toEqual([s.id]);
    held.dispose();
    const n = pushed.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(pushed.length - n).toBeLessThanOrEqual(1); // at most the sample already under way
    expect((await svc.current()).history!.length).toBeGreaterThan(first.history!.length);
    expect(svc.wanted).toBe(false);
  } finally {
    monitor.dispose();
  }
});

test('the router answers stats and pushes it to subscribers', async () => {
  const router = createRouter(t.engine);
  const got: ServerMessage[] = [];
  const conn = router.connect({ id: 'test', send: (m) => void got.push(m as ServerMessage) });
  try {
    await conn.handle({ t: 'req', id: 1, ch: 'stats', p: {} });
    const res = got.find((m) => m.t === 'res' && m.id === 1) as { ok: boolean; value: StatsSnapshot };
    expect(res.ok).toBe(true);
    expect(res.value.hosts.map((h) => h.name)).toContain('local');
    expect(Array.isArray(res.value.history)).toBe(true);
    await conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'stats' } });
    await waitFor(() => got.some((m) => m.t === 'evt' && m.ch === 'stats'), 10_000, 'a stats event');
  } finally {
    conn.dispose();
    router.dispose();
  }
});
