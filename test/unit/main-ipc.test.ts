// The IPC transport refuses, with an error and without touching the router or the engine, any
// message on an unknown channel, from a foreign sender, or with a malformed payload (fuzzed).
// Real router (src/core/rpc) over an engine whose every method call is recorded.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNEL, REQUESTS, SENDS } from '../../src/shared/api.ts';
import { tmpdir } from 'node:os';
import { createRouter, FleetMonitor } from '../../src/core/rpc/index.ts';
import { defaultConfig } from '../../src/core/store/store.ts';
import type { Engine } from '../../src/core/engine.ts';
import { checkMessage } from '../../src/main/ipc-guard.ts';
import { connectIpc, type FrameLike, type IpcEventLike } from '../../src/main/ipc-transport.ts';

const APP = { kind: 'file' as const, path: '/app/out/renderer/index.html' };
const APP_URL = 'file:///app/out/renderer/index.html';

/** Deterministic PRNG (mulberry32): the fuzz is the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID_REQUESTS: Record<string, Record<string, unknown>> = {
  listRepos: {},
  addRepo: { path: '/r' },
  removeRepo: { repo: 'r' },
  branches: { repo: 'r' },
  spawn: { repo: 'r', branch: 'b' },
  listSessions: {},
  kill: { id: 'ab12' },
  sendText: { id: 'ab12', text: 'hi' },
  keys: { id: 'ab12', keys: ['Escape'] },
  capture: { id: 'ab12' },
  profiles: {},
  preferences: {},
  listHosts: {},
  addHost: { name: 'h1' },
  removeHost: { name: 'h1' },
  testHost: { name: 'h1' },
  hostKey: { name: 'h1' },
  trustHost: { name: 'h1', fingerprint: 'SHA256:' + 'a'.repeat(43) },
  hostInfo: { name: 'local' },
  setLimits: { id: 'ab12', limits: { cpu: 100 } },
  answerPassphrase: { id: '0123456789abcdef', passphrase: null },
  attach: { term: 't1', session: 'ab12', cols: 80, rows: 24 },
  stats: {},
  ports: { id: 'ab12' },
  forwardStart: { id: 'ab12', port: 5173 },
  forwardStop: { localPort: 5173 },
  forwardList: {},
  resume: { id: 'abc', fresh: true },
  resumeAll: { host: 'local' },
  forget: { id: 'abc' },
  // Review
  diff: { id: 'ab12' },
  filePatch: { id: 'ab12', mergeBase: 'a'.repeat(40), tree: 'b'.repeat(40), path: 'x.ts' },
  commit: { id: 'ab12', message: 'm' },
  merge: { id: 'ab12' },
  push: { id: 'ab12' },
  createPr: { id: 'ab12' },
  setBase: { id: 'ab12', base: 'main' },
  cleanup: { id: 'ab12' },
  gc: {},
  setupPlan: { repo: 'r' },
  repoTrust: { repo: 'r', setup: 'a'.repeat(64) },
  setupAction: { id: 'ab12', action: 'retry' },
  approve: { id: 'ab12', decision: 'yes' },
  approveAll: { decision: 'no', dryRun: true },
  broadcast: { to: 'all', text: 'hi' },
  headlessEvents: { id: 'ab12', offset: 0 },
};
const VALID_SENDS: Record<string, Record<string, unknown>> = {
  terminalInput: { term: 't1', data: 'x' },
  terminalResize: { term: 't1', cols: 80, rows: 24 },
  terminalAck: { term: 't1', chars: 10 },
  detach: { term: 't1' },
  subscribe: { event: 'stats' },
  unsubscribe: { event: 'stats' },
  tabsChanged: { open: ['ab12'], active: 'ab12' },
};

function setup() {
  const engineCalls: string[] = [];
  const engine = new Proxy({} as Engine, {
    get: (_t, prop) => {
      if (prop === 'then') return undefined;
      return (..._args: unknown[]) => {
        engineCalls.push(String(prop));
        return Promise.resolve([]);
      };
    },
  });
  const opened: string[] = [];
  // The router's fleet monitor over an empty fleet (the proxy engine has no hosts to watch).
  const monitor = new FleetMonitor({
    store: { read: async () => defaultConfig() } as unknown as Engine['store'],
    hosts: { home: tmpdir(), names: async () => [] } as unknown as Engine['hosts'],
  });
  const router = createRouter(engine, {
    monitor,
    opener: async (session) => {
      opened.push(session);
      throw new Error('no pty in this test');
    },
  });
  const handle = vi.fn();
  const realConnect = router.connect.bind(router);
  const connectSpy = (peer: Parameters<typeof router.connect>[0]) => {
    const conn = realConnect(peer);
    const inner = conn.handle.bind(conn);
    conn.handle = (m: unknown) => {
      handle(m);
      return inner(m);
    };
    return conn;
  };
  const ipcMain = new EventEmitter();
  const main = fakeContents(1);
  const shellMessages: unknown[] = [];
  const transport = connectIpc({
    ipcMain: ipcMain as never,
    router: { connect: connectSpy },
    contents: main,
    app: APP,
    onShellMessage: (ch, p) => shellMessages.push([ch, p]),
  });
  const topFrame: FrameLike = { url: APP_URL, parent: null };
  const emit = (message: unknown, event: Partial<IpcEventLike> = {}) =>
    ipcMain.emit(IPC_CHANNEL, { sender: main, senderFrame: topFrame, ...event }, message);
  const nothingHappened = () => {
    expect(handle).not.toHaveBeenCalled();
    expect(engineCalls).toEqual([]);
    expect(opened).toEqual([]);
    expect(shellMessages).toEqual([]);
  };
  return { router, transport, main, emit, handle, engineCalls, shellMessages, nothingHappened, topFrame };
}

function fakeContents(id: number) {
  const sent: unknown[] = [];
  return {
    id,
    sent,
    isDestroyed: () => false,
    send: (ch: string, m: unknown) => {
      expect(ch).toBe(IPC_CHANNEL);
      sent.push(m);
    },
    once: () => undefined,
  };
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function live() {
  const s = setup();
  cleanup = () => {
    s.transport.dispose();
    s.router.dispose();
  };
  return s;
}

const isRefusal = (m: unknown) =>
  typeof m === 'object' &&
  m !== null &&
  ((m as { t: string }).t === 'err' ||
    ((m as { t: string }).t === 'res' && (m as { ok: boolean }).ok === false)) &&
  (m as { error: { code: string } }).error.code === 'invalid-argument';

describe('IPC transport (positive controls)', () => {
  it('every base payload used by the fuzz passes the guard', () => {
    const sender = { webContentsId: 1, isTopFrame: true, url: APP_URL };
    for (const [ch, p] of Object.entries(VALID_REQUESTS))
      expect(checkMessage(sender, { webContentsId: 1, app: APP }, { t: 'req', id: 1, ch, p }).ok, ch).toBe(
        true,
      );
    for (const [ch, p] of Object.entries(VALID_SENDS))
      expect(checkMessage(sender, { webContentsId: 1, app: APP }, { t: 'send', ch, p }).ok, ch).toBe(true);
    expect(Object.keys(VALID_REQUESTS).sort()).toEqual([...REQUESTS].sort());
    expect(
      Object.keys(VALID_SENDS)
        .filter((k) => k !== 'tabsChanged')
        .sort(),
    ).toEqual([...SENDS].sort());
  });

  it('a valid request from the window reaches the router and the engine, and is answered', async () => {
    const s = live();
    s.emit({ t: 'req', id: 7, ch: 'listRepos', p: {} });
    await vi.waitFor(() => expect(s.main.sent).toContainEqual({ t: 'res', id: 7, ok: true, value: [] }));
    expect(s.handle).toHaveBeenCalledTimes(1);
    expect(s.engineCalls).toEqual(['listRepos']);
  });

  it("the shell's own tabsChanged goes to the shell, not the router", () => {
    const s = live();
    s.emit({ t: 'send', ch: 'tabsChanged', p: { open: ['ab', 'cd'], active: 'cd' } });
    expect(s.shellMessages).toEqual([['tabsChanged', { open: ['ab', 'cd'], active: 'cd' }]]);
    expect(s.handle).not.toHaveBeenCalled();
  });
});

describe('IPC transport refuses', () => {
  it('unknown channels (requests and sends), with an error reply', () => {
    const s = live();
    const r = rng(1);
    const names = [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'eval',
      'require',
      'LISTREPOS',
      'listRepos ',
      'kill\u0000',
      'electron-store-get-data',
      'shellCommand',
      'sessionsChanged',
    ];
    for (let i = 0; i < 200; i++) {
      const ch = i < names.length ? names[i]! : Math.floor(r() * 36 ** 6).toString(36);
      s.emit({ t: 'req', id: i, ch, p: {} });
      s.emit({ t: 'send', ch, p: {} });
    }
    s.nothingHappened();
    expect(s.main.sent).toHaveLength(400);
    expect(s.main.sent.every(isRefusal)).toBe(true);
    // Requests are refused as their own reply, so the renderer's promise settles.
    expect(s.main.sent.filter((m) => (m as { t: string }).t === 'res')).toHaveLength(200);
  });

  it('foreign senders: another webContents, a subframe, a page that is not Orchard, a dead frame', () => {
    const s = live();
    const other = fakeContents(2);
    const senders: Partial<IpcEventLike>[] = [
      { sender: other },
      { senderFrame: { url: APP_URL, parent: s.topFrame } },
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: 'file:///tmp/evil.html', parent: null } },
      { senderFrame: { url: 'data:text/html,hi', parent: null } },
      { senderFrame: null },
      {
        senderFrame: Object.defineProperty({}, 'url', {
          get() {
            throw new Error('frame destroyed');
          },
        }) as FrameLike,
      },
    ];
    let n = 0;
    for (const ev of senders) {
      for (const [ch, p] of Object.entries(VALID_REQUESTS)) s.emit({ t: 'req', id: n++, ch, p }, ev);
      for (const [ch, p] of Object.entries(VALID_SENDS)) s.emit({ t: 'send', ch, p }, ev);
    }
    s.nothingHappened();
    // Refusals go to the sender only; the main window hears nothing of them except its own.
    const all = [...s.main.sent, ...other.sent];
    expect(all).toHaveLength(n + senders.length * Object.keys(VALID_SENDS).length);
    expect(all.every(isRefusal)).toBe(true);
    expect(other.sent.length).toBe(Object.keys(VALID_REQUESTS).length + Object.keys(VALID_SENDS).length);
  });

  it('after the window is gone, messages from its old id are refused too', () => {
    const s = live();
    s.transport.dispose();
    s.emit({ t: 'req', id: 1, ch: 'listRepos', p: {} });
    s.nothingHappened();
  });

  it('malformed envelopes', () => {
    const s = live();
    const bad: unknown[] = [
      undefined,
      null,
      0,
      'listRepos',
      '{"t":"req","id":1,"ch":"listRepos","p":{}}', // JSON strings are for the WebSocket, not IPC
      [],
      [{ t: 'req', id: 1, ch: 'listRepos', p: {} }],
      {},
      { t: 'res', id: 1, ch: 'listRepos', p: {} },
      { t: 'evt', ch: 'sessionsChanged', p: [] },
      { t: 'req', ch: 'listRepos', p: {} },
      { t: 'req', id: -1, ch: 'listRepos', p: {} },
      { t: 'req', id: 1.5, ch: 'listRepos', p: {} },
      { t: 'req', id: '1', ch: 'listRepos', p: {} },
      { t: 'req', id: Number.MAX_SAFE_INTEGER + 2, ch: 'listRepos', p: {} },
      { t: 'req', id: 1, ch: 5, p: {} },
      { t: 'req', id: 1, ch: 'x'.repeat(65), p: {} },
      { t: 'req', id: 1, ch: 'listRepos', p: {}, extra: true },
      { t: 'send', id: 1, ch: 'detach', p: { term: 't' } },
    ];
    for (const m of bad) s.emit(m);
    s.nothingHappened();
    expect(s.main.sent).toHaveLength(bad.length);
    expect(s.main.sent.every(isRefusal)).toBe(true);
  });

  it('malformed payloads on every known channel (fuzzed, 600 messages)', () => {
    const s = live();
    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const wrongFor = (v: unknown): unknown[] =>
      typeof v === 'string'
        ? [5, true, null, {}, ['x'], { toString: 'x' }]
        : typeof v === 'number'
          ? ['80', -1, 1.5, 1e9, NaN, null, {}]
          : Array.isArray(v)
            ? ['ab', [5], [null], [{}], ['not hex!']]
            : ['x', 0, [], null];
    const hostileStrings = [
      '',
      '$(rm -rf ~)',
      "'; kill -9 1; '",
      '`id`',
      '../../etc',
      'a\nb',
      'x'.repeat(70),
    ];
    const mutate = (base: Record<string, unknown>): unknown => {
      const keys = Object.keys(base);
      const kind = keys.length ? Math.floor(r() * 5) : pick([0, 3, 4]);
      switch (kind) {
        case 0: // an unknown extra key (strict objects refuse)
          return {
            ...base,
            [pick(['__proto__x', 'constructor', 'shell', 'cwd', 'env', 'x' + Math.floor(r() * 1e6)])]: pick([
              1,
              'a',
              {},
              null,
            ]),
          };
        case 1: {
          // a field of the wrong type
          const k = pick(keys);
          return { ...base, [k]: pick(wrongFor(base[k])) };
        }
        case 2: // required fields missing
          return {};
        case 3: // not an object at all
          return pick([null, undefined, 0, 'p', [], [base], true]);
        default: {
          // a hostile or out-of-range value in an id-like field, or an extra field when there is none
          const idKey = keys.find((k) => ['id', 'term', 'session', 'name', 'event'].includes(k));
          if (idKey)
            return {
              ...base,
              [idKey]: pick(hostileStrings),
            };
          return { ...base, cols: 0 };
        }
      }
    };
    let sent = 0;
    const candidates = [
      ...Object.entries(VALID_REQUESTS).map(([ch, p]) => ['req', ch, p] as const),
      ...Object.entries(VALID_SENDS).map(([ch, p]) => ['send', ch, p] as const),
    ];
    const skipped: unknown[] = [];
    for (let i = 0; i < 600; i++) {
      const [t, ch, base] = pick(candidates);
      let p = mutate(base);
      // case 2 on schemas whose fields are all optional, or a hostile value that happens to be
      // valid for that field, would be a valid message: those are not fuzz cases
      if (
        Object.keys(base).length &&
        typeof p === 'object' &&
        p !== null &&
        !Array.isArray(p) &&
        Object.keys(p).length === 0
      )
        if (['listRepos', 'listSessions', 'profiles', 'listHosts', 'stats'].includes(ch)) p = { x: 1 };
      const msg = t === 'req' ? { t, id: i, ch, p } : { t, ch, p };
      const sender = { webContentsId: 1, isTopFrame: true, url: APP_URL };
      if (checkMessage(sender, { webContentsId: 1, app: APP }, msg).ok) {
        skipped.push(msg);
        continue;
      }
      s.emit(msg);
      sent++;
    }
    s.nothingHappened();
    expect(sent).toBeGreaterThan(550);
    expect(s.main.sent).toHaveLength(sent);
    expect(s.main.sent.every(isRefusal)).toBe(true);
    // Refusals name the channel so the renderer's error says what was wrong.
    expect((s.main.sent[0] as { error: { message: string } }).error.message).toMatch(/:/);
  });
});

it('a reload of the window is a new client: the old connection (terminals, subscriptions) is disposed', () => {
  const router = { connect: vi.fn() };
  const disposed: number[] = [];
  let n = 0;
  router.connect.mockImplementation(() => {
    const k = ++n;
    return { handle: vi.fn(), dispose: () => disposed.push(k) };
  });
  const events = new EventEmitter();
  const contents = {
    id: 7,
    isDestroyed: () => false,
    send: () => undefined,
    once: () => undefined,
    on: (ev: string, l: (...a: unknown[]) => void) => events.on(ev, l),
  };
  const transport = connectIpc({
    ipcMain: new EventEmitter() as never,
    router: router as never,
    contents: contents as never,
    app: APP,
    onShellMessage: () => undefined,
  });
  events.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
  events.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
  expect(router.connect).toHaveBeenCalledTimes(1);
  events.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
  expect(router.connect).toHaveBeenCalledTimes(2);
  expect(disposed).toEqual([1]);
  transport.dispose();
  expect(disposed).toEqual([1, 2]);
});
