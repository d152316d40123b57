// The router at its boundary: whatever a client sends, it gets a typed error value back and
// nothing changes; valid requests reach the engine; terminals and subscriptions follow the client.
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ServerMessage } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import { Engine } from '../../src/core/engine.ts';
import { HostRegistry } from '../../src/core/hosts/registry.ts';
import { JsonFileStore } from '../../src/core/store/json-store.ts';
import { createRouter, type Router } from '../../src/core/rpc/index.ts';
import { FleetList } from '../../src/core/status/fleet-monitor.ts';
import { FakePty } from '../helpers/fake-pty.ts';
import { makeRepo, waitFor } from '../helpers/env.ts';

let dir: string;
let engine: Engine;
let router: Router;
let ptys: FakePty[];
let opened: string[];

function client(id = 'c1') {
  const got: ServerMessage[] = [];
  const conn = router.connect({ id, send: (m) => got.push(structuredClone(m)) });
  let next = 1000;
  return {
    conn,
    got,
    async req(ch: string, p?: unknown) {
      const rid = next++;
      await conn.handle({ t: 'req', id: rid, ch, p });
      const r = got.findLast((m) => m.t === 'res' && m.id === rid);
      if (!r || r.t !== 'res') throw new Error(`no reply to ${ch}`);
      return r;
    },
  };
}

beforeEach(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'orchard-rpc-')));
  const home = join(dir, 'home');
  const store = JsonFileStore.inHome(home);
  await store.update(() => {}); // the config file exists, so "unchanged" is a byte comparison
  engine = new Engine(store, new HostRegistry(home, { tmuxSocket: `orchard-rpc-${process.pid}` }));
  ptys = [];
  opened = [];
  router = createRouter(engine, {
    opener: async (session, cols, rows) => {
      opened.push(`${session} ${cols}x${rows}`);
      if (session === 'dead') throw new OrchardError('session-not-found', 'no such session');
      const p = new FakePty();
      ptys.push(p);
      return p;
    },
    terminal: { batchMs: 1 },
  });
});

afterEach(() => {
  router.dispose();
  engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const configFile = () => readFileSync(join(dir, 'home', 'config.json'), 'utf8');

describe('malformed input', () => {
  const messages: unknown[] = [
    'not json',
    '{"t":"req"',
    '',
    '[]',
    'null',
    '42',
    null,
    42,
    [],
    { t: 'nope', ch: 'listRepos' },
    { t: 'req', ch: 'listRepos' },
    { t: 'req', id: -1, ch: 'listRepos' },
    { t: 'req', id: 1.5, ch: 'listRepos' },
    { t: 'req', id: '1', ch: 'listRepos' },
    { t: 'req', id: 1, ch: 'listRepos', p: {}, extra: true },
    { t: 'req', id: 2, ch: 'dropDatabase', p: {} },
    { t: 'req', id: 3, ch: '__proto__', p: {} },
    { t: 'req', id: 4, ch: 'constructor', p: {} },
    { t: 'req', id: 5, ch: 'addRepo', p: {} },
    { t: 'req', id: 6, ch: 'addRepo', p: { path: '' } },
    { t: 'req', id: 7, ch: 'addRepo', p: { path: 42 } },
    { t: 'req', id: 8, ch: 'addRepo', p: { path: '/tmp', rm: '-rf' } },
    { t: 'req', id: 9, ch: 'addRepo', p: { path: '/tmp', host: '$(reboot)' } },
    { t: 'req', id: 10, ch: 'removeRepo', p: { repo: ['a'] } },
    { t: 'req', id: 11, ch: 'spawn', p: { repo: 'r' } },
    { t: 'req', id: 12, ch: 'spawn', p: { repo: 'r', branch: 'b', agent: 'a', command: 'c' } },
    { t: 'req', id: 13, ch: 'spawn', p: { repo: 'r', branch: 'b', from: 'main' } },
    { t: 'req', id: 14, ch: 'spawn', p: { repo: 'r', branch: 'b', cols: 1e9 } },
    { t: 'req', id: 15, ch: 'kill', p: { id: '../../etc' } },
    { t: 'req', id: 16, ch: 'kill', p: { id: 'abc', removeWorktree: 'yes' } },
    { t: 'req', id: 17, ch: 'sendText', p: { id: 'abc', text: 5 } },
    { t: 'req', id: 18, ch: 'capture', p: { id: '; rm -rf /' } },
    { t: 'req', id: 19, ch: 'addHost', p: { name: 'local' } },
    { t: 'req', id: 20, ch: 'addHost', p: { name: 'h', ssh: 'a b@c' } },
    { t: 'req', id: 21, ch: 'addHost', p: { name: '-oProxyCommand=x' } },
    { t: 'req', id: 22, ch: 'attach', p: { term: 't', session: 'abc', cols: 0, rows: 24 } },
    { t: 'req', id: 23, ch: 'attach', p: { term: 'x'.repeat(65), session: 'abc', cols: 80, rows: 24 } },
    { t: 'req', id: 24, ch: 'attach', p: { term: 't', session: 'not hex', cols: 80, rows: 24 } },
    { t: 'req', id: 25, ch: 'listSessions', p: { all: true } },
    { t: 'req', id: 26, ch: 'branches', p: null },
    { t: 'req', id: 27, ch: 'spawn', p: { repo: 'r', branch: 'b', limits: { memory: -1 } } },
    { t: 'req', id: 28, ch: 'spawn', p: { repo: 'r', branch: 'b', limits: { memory: '4G' } } },
    { t: 'req', id: 29, ch: 'spawn', p: { repo: 'r', branch: 'b', limits: { cpu: 0 } } },
    { t: 'req', id: 30, ch: 'spawn', p: { repo: 'r', branch: 'b', limits: { swap: 1 } } },
    { t: 'req', id: 31, ch: 'spawn', p: { repo: 'r', branch: 'b', force: 'yes' } },
    // Hosts that could never work are refused before anything is stored (one schema with the CLI).
    { t: 'req', id: 32, ch: 'addHost', p: { name: '--help' } },
    { t: 'req', id: 33, ch: 'addHost', p: { name: '__proto__' } },
    { t: 'req', id: 34, ch: 'addHost', p: { name: 'h\uD800' } },
    { t: 'req', id: 35, ch: 'addHost', p: { name: 'h'.repeat(5000) } },
    { t: 'req', id: 36, ch: 'addHost', p: { name: 'h', ssh: 'me@h:99999' } },
    { t: 'req', id: 37, ch: 'addHost', p: { name: 'h', ssh: `me@${'a'.repeat(5000)}` } },
    { t: 'req', id: 38, ch: 'addHost', p: { name: 'h', ssh: 'me@h\u0007' } },
    { t: 'req', id: 39, ch: 'trustHost', p: { name: 'h', fingerprint: 'whatever' } },
    { t: 'req', id: 40, ch: 'setLimits', p: { id: 'abc', limits: {} } },
    { t: 'req', id: 41, ch: 'answerPassphrase', p: { id: 'abc', passphrase: 5 } },
    { t: 'req', id: 42, ch: 'keys', p: { id: 'abc', keys: ['rm -rf /'] } },
    { t: 'req', id: 43, ch: 'keys', p: { id: 'abc', keys: [] } },
    { t: 'req', id: 44, ch: 'keys', p: { id: 'abc', keys: ['Escape;', 'Enter'] } },
    { t: 'req', id: 45, ch: 'keys', p: { id: 'abc', keys: Array(65).fill('Up') } },
    { t: 'req', id: 46, ch: 'sendText', p: { id: 'abc', text: 'x', force: 'yes' } },
    { t: 'send', ch: 'terminalInput', p: { term: 't' } },
    { t: 'send', ch: 'terminalResize', p: { term: 't', cols: -1, rows: 5 } },
    { t: 'send', ch: 'terminalAck', p: { term: 't', chars: 'lots' } },
    { t: 'send', ch: 'subscribe', p: { event: 'terminalData' } },
    { t: 'send', ch: 'subscribe', p: { event: 'everything' } },
    { t: 'send', ch: 'spawn', p: {} },
    { t: 'send', ch: 'detach' },
    { t: 'send', ch: 42, p: {} },
  ];

  test('every malformed message gets one error reply and changes nothing', async () => {
    const before = configFile();
    const c = client();
    for (const m of messages) {
      const n = c.got.length;
      await c.conn.handle(m);
      const replies = c.got.slice(n);
      expect(replies, JSON.stringify(m)).toHaveLength(1);
      const r = replies[0]!;
      const error = r.t === 'err' ? r.error : r.t === 'res' && !r.ok ? r.error : undefined;
      expect(error?.code, JSON.stringify(m)).toBe('invalid-argument');
      expect(error?.message.length).toBeGreaterThan(0);
      if (typeof m === 'object' && m && 'id' in m && typeof m.id === 'number' && m.id > 0 && r.t === 'res')
        expect(r.id).toBe(m.id);
    }
    expect(configFile()).toBe(before);
    expect(opened).toEqual([]);
    expect(c.conn.terminalCount).toBe(0);
    expect(router.subscriberCount('sessionsChanged')).toBe(0);
    // The connection still works afterwards.
    expect(await c.req('listRepos', {})).toMatchObject({ ok: true, value: [] });
  });

  test('a message from an unknown peer is ignored, not a crash', async () => {
    await expect(
      router.handle('nobody', { t: 'req', id: 1, ch: 'listRepos', p: {} }),
    ).resolves.toBeUndefined();
  });
});

describe('requests reach the engine', () => {
  test('repos, profiles, hosts; engine failures come back as typed error values', async () => {
    const c = client();
    const repo = makeRepo(dir, 'proj');
    const added = await c.req('addRepo', { path: repo });
    expect(added).toMatchObject({ ok: true, value: { name: 'proj', path: repo, host: 'local' } });
    expect(await c.req('listRepos')).toMatchObject({ ok: true, value: [{ name: 'proj' }] });
    const missing = await c.req('removeRepo', { repo: 'no-such-repo' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'repo-not-found' } });
    const notRepo = await c.req('addRepo', { path: dir });
    expect(notRepo.ok).toBe(false);
    const profiles = await c.req('profiles', {});
    expect(profiles).toMatchObject({ ok: true, value: { defaultAgent: 'claude' } });
    expect(await c.req('listHosts', {})).toMatchObject({
      ok: true,
      value: [{ name: 'local', kind: 'local' }],
    });
    expect(await c.req('addHost', { name: 'box', ssh: 'me@box.example:2222' })).toMatchObject({
      ok: true,
      value: { name: 'box', kind: 'ssh', address: 'me@box.example:2222' },
    });
    expect(await c.req('addHost', { name: 'box' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect((await c.req('listHosts', {})).ok && (await engine.store.read()).hosts).toHaveLength(1);
    expect(await c.req('removeHost', { name: 'box' })).toMatchObject({ ok: true });
    expect(await c.req('removeHost', { name: 'box' })).toMatchObject({
      ok: false,
      error: { code: 'host-not-found' },
    });
    expect(await c.req('kill', { id: 'abcdef' })).toMatchObject({
      ok: false,
      error: { code: 'session-not-found' },
    });
    const stats = await c.req('stats', {});
    expect(stats.ok && typeof (stats.value as { at: string }).at).toBe('string');
  });
});

describe('terminals', () => {
  test('attach, data, input, resize, ack, detach; each client has its own', async () => {
    const a = client('a');
    const b = client('b');
    expect(await a.req('attach', { term: 't1', session: 'abc', cols: 80, rows: 24 })).toMatchObject({
      ok: true,
      value: { term: 't1', session: 'abc' },
    });
    expect(await b.req('attach', { term: 't1', session: 'abc', cols: 100, rows: 30 })).toMatchObject({
      ok: true,
    });
    expect(opened).toEqual(['abc 80x24', 'abc 100x30']);
    const dup = await a.req('attach', { term: 't1', session: 'abc', cols: 80, rows: 24 });
    expect(dup).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const dead = await a.req('attach', { term: 't2', session: 'dead', cols: 80, rows: 24 });
    expect(dead).toMatchObject({ ok: false, error: { code: 'session-not-found' } });
    expect(a.conn.terminalCount).toBe(1);

    const [pa, pb] = ptys as [FakePty, FakePty];
    pa.data.fire('hello ');
    pa.data.fire('world');
    const data = () =>
      a.got
        .filter((m) => m.t === 'evt' && m.ch === 'terminalData')
        .map((m) => (m as { p: { term: string; data: string } }).p);
    // The first chunk after quiet goes at once (echo latency); what follows within 5 ms is batched.
    await waitFor(
      () =>
        data()
          .map((d) => d.data)
          .join('') === 'hello world',
      2000,
      'data',
    );
    expect(data()).toEqual([
      { term: 't1', data: 'hello ' },
      { term: 't1', data: 'world' },
    ]);
    expect(b.got.some((m) => m.t === 'evt')).toBe(false);

    await a.conn.handle(JSON.stringify({ t: 'send', ch: 'terminalInput', p: { term: 't1', data: 'ls\r' } }));
    await a.conn.handle({ t: 'send', ch: 'terminalResize', p: { term: 't1', cols: 120, rows: 40 } });
    await a.conn.handle({ t: 'send', ch: 'terminalInput', p: { term: 'unknown', data: 'x' } });
    expect(pa.written).toEqual(['ls\r']);
    expect(pa.sizes).toEqual([[120, 40]]);
    expect(pb.written).toEqual([]);

    await a.conn.handle({ t: 'send', ch: 'detach', p: { term: 't1' } });
    expect(pa.disposed).toBe(true);
    expect(pb.disposed).toBe(false);
    b.conn.dispose();
    expect(pb.disposed).toBe(true);
  });

  test('a pty that exits reports terminalExit and frees the id', async () => {
    const a = client();
    await a.req('attach', { term: 'x', session: 'abc', cols: 80, rows: 24 });
    ptys[0]!.exit.fire({ code: 0 });
    expect(a.got.at(-1)).toEqual({ t: 'evt', ch: 'terminalExit', p: { term: 'x', code: 0 } });
    expect(a.conn.terminalCount).toBe(0);
    expect(await a.req('attach', { term: 'x', session: 'abc', cols: 80, rows: 24 })).toMatchObject({
      ok: true,
    });
  });
});

describe('the fleet list', () => {
  const s = (id: string, state: SessionInfo['state']) => ({ id, state }) as SessionInfo;

  test('changes only when the list differs; reports state transitions after the first list', () => {
    const l = new FleetList();
    expect(l.current).toBeUndefined();
    expect(l.take([s('a', 'starting')])).toEqual({ changed: true, transitions: [] });
    expect(l.take([s('a', 'starting')])).toEqual({ changed: false, transitions: [] });
    const next = [s('a', 'working'), s('b', 'starting')];
    const r = l.take(next);
    expect(r.changed).toBe(true);
    expect(r.transitions.map((e) => `${e.id}:${e.from}->${e.to}`)).toEqual([
      'a:starting->working',
      'b:null->starting',
    ]);
    expect(l.current).toBe(next);
    // A detail that differs is a change; the state did not move, so no transition.
    const detailed = l.take([{ ...s('a', 'working'), detail: 'Edit x' }, s('b', 'starting')]);
    expect(detailed).toEqual({ changed: true, transitions: [] });
  });

  test("the router pushes the monitor's list to a client that subscribes", async () => {
    const c = client();
    await c.conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'sessionsChanged' } });
    expect(router.subscriberCount('sessionsChanged')).toBe(1);
    await waitFor(() => c.got.some((m) => m.t === 'evt' && m.ch === 'sessionsChanged'), 10_000, 'list');
    expect(c.got.find((m) => m.t === 'evt')).toEqual({ t: 'evt', ch: 'sessionsChanged', p: [] });
    c.conn.dispose();
    expect(router.subscriberCount('sessionsChanged')).toBe(0);
  });
});
