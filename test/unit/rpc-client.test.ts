// @vitest-environment jsdom
// The renderer's client (src/renderer/src/api.ts and transport/) against the real router, over an
// in-memory socket: typed replies and errors, counted subscriptions, reconnects, the token.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { SessionInfo } from '../../src/shared/model.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import { Engine } from '../../src/core/engine.ts';
import { HostRegistry } from '../../src/core/hosts/registry.ts';
import { JsonFileStore } from '../../src/core/store/json-store.ts';
import { createRouter, type Connection, type Router } from '../../src/core/rpc/index.ts';
import { browserToken, webSocketUrl } from '../../src/renderer/src/api.ts';
import {
  webSocketApi,
  type SocketLike,
  type WebSocketApi,
} from '../../src/renderer/src/transport/websocket.ts';

// (test/helpers/env.ts resolves file: URLs, which the jsdom environment does not give it.)
async function waitFor(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A socket whose other end is a router connection. */
class MemorySocket implements SocketLike {
  readyState = 0;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  readonly sent: string[] = [];
  conn: Connection;
  constructor(router: Router, id: string) {
    this.conn = router.connect({ id, send: (m) => this.onmessage?.({ data: JSON.stringify(m) }) });
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 0);
  }
  send(data: string): void {
    this.sent.push(data);
    void this.conn.handle(data);
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.conn.dispose();
    this.onclose?.({});
  }
}

let dir: string;
let engine: Engine;
let router: Router;
let sockets: MemorySocket[];
let client: WebSocketApi;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'orchard-client-')));
  engine = new Engine(
    JsonFileStore.inHome(join(dir, 'home')),
    new HostRegistry(join(dir, 'home'), { tmuxSocket: `orchard-client-${process.pid}` }),
  );
  router = createRouter(engine, { pollMs: 50 });
  sockets = [];
  client = webSocketApi({
    url: 'ws://x/rpc',
    createSocket: () => {
      const s = new MemorySocket(router, `m${sockets.length}`);
      sockets.push(s);
      return s;
    },
    minDelayMs: 5,
  });
});

afterEach(() => {
  client.close();
  router.dispose();
  engine.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('webSocketApi', () => {
  test('requests made before the socket opens are answered; errors are OrchardErrors', async () => {
    const repos = client.request('listRepos', {}); // sent once the socket opens
    expect(await repos).toEqual([]);
    const err = await client.request('removeRepo', { repo: 'missing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrchardError);
    expect((err as OrchardError).code).toBe('repo-not-found');
    const bad = await client.request('capture', { id: 'not an id' }).catch((e: unknown) => e);
    expect((bad as OrchardError).code).toBe('invalid-argument');
  });

  test('the first listener subscribes, the last one unsubscribes', async () => {
    await client.request('listRepos', {});
    const lists: SessionInfo[][] = [];
    const off1 = client.on('sessionsChanged', (l) => lists.push(l));
    const off2 = client.on('sessionsChanged', () => {});
    await waitFor(() => router.subscriberCount('sessionsChanged') === 1, 2000, 'subscribed');
    await waitFor(() => lists.length === 1, 10_000, 'first list');
    expect(lists[0]).toEqual([]);
    off1();
    off1();
    expect(router.subscriberCount('sessionsChanged')).toBe(1);
    off2();
    await waitFor(() => router.subscriberCount('sessionsChanged') === 0, 2000, 'unsubscribed');
    const subs = sockets[0]!.sent
      .map((d) => JSON.parse(d) as { ch: string })
      .filter((m) => m.ch.endsWith('subscribe'));
    expect(subs.map((m) => m.ch)).toEqual(['subscribe', 'unsubscribe']);
  });

  test('a dropped socket fails requests in flight, reconnects, re-subscribes and says so', async () => {
    await client.request('listRepos', {});
    const states: boolean[] = [];
    client.on('connection', (c) => states.push(c.connected));
    client.on('sessionState', () => {});
    await waitFor(() => router.subscriberCount('sessionState') === 1, 2000, 'subscribed');
    // A request the server never answers (the socket drops first).
    sockets[0]!.conn.handle = async () => {};
    const inFlight = client.request('listRepos', {}).catch((e: unknown) => e);
    sockets[0]!.close();
    expect(((await inFlight) as OrchardError).code).toBe('host-unreachable');
    expect(router.subscriberCount('sessionState')).toBe(0);
    await waitFor(() => states.length === 2, 2000, 'reconnect');
    expect(states).toEqual([false, true]);
    expect(sockets).toHaveLength(2);
    await waitFor(() => router.subscriberCount('sessionState') === 1, 2000, 're-subscribed');
    expect(await client.request('listRepos', {})).toEqual([]);
  });

  test('desktop-shell sends are dropped in browser mode', async () => {
    await client.request('listRepos', {});
    const before = sockets[0]!.sent.length;
    client.send('tabsChanged', { open: [], active: null });
    expect(sockets[0]!.sent.length).toBe(before);
  });
});

describe('browser token', () => {
  test('taken from ?token=, kept in sessionStorage, removed from the address bar', () => {
    window.history.replaceState(null, '', '/?token=s3cret&x=1#h');
    expect(browserToken()).toBe('s3cret');
    expect(window.location.search).toBe('?x=1');
    expect(window.location.hash).toBe('#h');
    expect(browserToken()).toBe('s3cret'); // a reload: from sessionStorage
    expect(webSocketUrl(window.location, 's3cret')).toBe(`ws://${window.location.host}/rpc?token=s3cret`);
    expect(webSocketUrl(window.location, '')).toBe(`ws://${window.location.host}/rpc`);
  });
});

describe('a server restarted with a new token', () => {
  test('after a few refused reconnects the client asks, says the page is stale, and stops retrying', async () => {
    let attempts = 0;
    const refused = (): SocketLike => {
      attempts++;
      const s: SocketLike = {
        readyState: 3,
        onopen: null,
        onclose: null,
        onerror: null,
        onmessage: null,
        send: () => undefined,
        close: () => undefined,
      } as unknown as SocketLike;
      setTimeout(() => s.onclose?.({} as never), 1);
      return s;
    };
    let probes = 0;
    const api = webSocketApi({
      url: 'ws://127.0.0.1:1/rpc?token=old',
      createSocket: refused,
      minDelayMs: 1,
      maxDelayMs: 2,
      tokenStillValid: async () => (++probes, false),
    });
    const seen: Array<{ connected: boolean; stale?: boolean }> = [];
    api.on('connection', (e) => seen.push(e));
    await waitFor(() => seen.some((e) => e.stale), 2000, 'stale');
    const after = attempts;
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(after);
    expect(probes).toBe(1);
    expect(seen).toEqual([{ connected: false, stale: true }]);
    api.close();
  });
});

describe('a server that went away (restarted on another port)', () => {
  test('after a bounded number of failed reconnects with nothing at the origin, the page is told it stopped', async () => {
    let attempts = 0;
    let up = false;
    const socket = (): SocketLike => {
      attempts++;
      const s = {
        readyState: up ? 1 : 3,
        onopen: null,
        onclose: null,
        onerror: null,
        onmessage: null,
        send: () => undefined,
        close: () => undefined,
      } as unknown as SocketLike;
      setTimeout(() => (up ? s.onopen?.({}) : s.onclose?.({})), 1);
      return s;
    };
    const api = webSocketApi({
      url: 'ws://127.0.0.1:1/rpc?token=t',
      createSocket: socket,
      minDelayMs: 1,
      maxDelayMs: 2,
      stoppedAfter: 5,
      tokenStillValid: async () => 'unreachable',
    });
    const seen: Array<{ connected: boolean; stale?: boolean; stopped?: boolean }> = [];
    let atStop = 0;
    api.on('connection', (e) => {
      seen.push(e);
      if (e.stopped) atStop = attempts;
    });
    await waitFor(() => seen.some((e) => e.stopped), 2000, 'stopped');
    expect(atStop).toBe(5);
    expect(seen).toEqual([{ connected: false, stopped: true }]);
    // It keeps trying, and says so once only; should the server come back there, the page is live.
    await waitFor(() => attempts > 8, 2000, 'more attempts');
    expect(seen).toHaveLength(1);
    up = true;
    await waitFor(() => seen.some((e) => e.connected), 2000, 'connected');
    expect(seen.at(-1)).toEqual({ connected: true });
    api.close();
  });
});
