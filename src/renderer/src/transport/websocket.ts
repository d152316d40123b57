// Browser mode: the contract over one WebSocket to `orchard web`. Reconnects with backoff; after a
// reconnect it re-subscribes and fires `connection` so terminals attach again (the server closed
// them with the old socket). Requests made while disconnected wait for the connection; requests in
// flight when it drops fail with 'host-unreachable'.
import {
  isEventName,
  isShellSendName,
  type ClientMessage,
  type OrchardApi,
  type RequestName,
  type RequestParams,
  type RequestResult,
  type ServerMessage,
} from '../../../shared/api.ts';
import { OrchardError } from '../../../shared/errors.ts';
import { Listeners } from './listeners.ts';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** What we need of a WebSocket (the browser's, or `ws` in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WebSocketApiOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Backoff bounds for reconnects, ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Asked after a few failed reconnects: is the page's token still good? (A browser hides the
   * WebSocket's 401; the same URL over HTTP shows it.) Default: fetch the page URL with the token.
   * 'unreachable': nothing answers at the page's origin at all.
   */
  tokenStillValid?: () => Promise<boolean | 'unreachable'>;
  /**
   * Failed reconnects, with nothing answering at the origin, after which the page says this
   * `orchard web` has stopped (default 8: about 20 s). A restarted `orchard web` usually listens
   * on another port, where this page cannot follow it.
   */
  stoppedAfter?: number;
}

/** ws://host/rpc?token=… → an HTTP probe of the page with the same token: 401 means a new server. */
function defaultProbe(wsUrl: string): () => Promise<boolean | 'unreachable'> {
  return async () => {
    const u = new URL(wsUrl);
    u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
    u.pathname = '/';
    try {
      return (await fetch(u, { method: 'HEAD', credentials: 'omit' })).status !== 401;
    } catch {
      return 'unreachable'; // down, not replaced (yet): keep trying
    }
  };
}

const OPEN = 1;

export interface WebSocketApi extends OrchardApi {
  close(): void;
  readonly connected: boolean;
}

export function webSocketApi(opts: WebSocketApiOptions): WebSocketApi {
  const create = opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const minDelay = opts.minDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 5000;
  const pending = new Map<number, Pending>();
  let queue: ClientMessage[] = [];
  let nextId = 1;
  let socket: SocketLike | undefined;
  let delay = minDelay;
  let closed = false;
  let connected = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;
  const stoppedAfter = opts.stoppedAfter ?? 8;
  const probe = opts.tokenStillValid ?? defaultProbe(opts.url);

  const post = (m: ClientMessage): boolean => {
    if (socket?.readyState !== OPEN) return false;
    socket.send(JSON.stringify(m));
    return true;
  };
  const listeners = new Listeners((event, on) => {
    post({ t: 'send', ch: on ? 'subscribe' : 'unsubscribe', p: { event } });
  });

  function receive(raw: unknown): void {
    let m: ServerMessage;
    try {
      m = JSON.parse(String(raw)) as ServerMessage;
    } catch {
      return;
    }
    if (m.t === 'res') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.ok) p.resolve(m.value);
      else p.reject(new OrchardError(m.error.code, m.error.message, m.error.detail));
    } else if (m.t === 'evt' && isEventName(m.ch)) listeners.fire(m.ch, m.p);
    else if (m.t === 'err') console.warn('[orchard] server refused a message:', m.error.message);
  }

  function connect(): void {
    if (closed) return;
    const s = create(opts.url);
    socket = s;
    s.onopen = () => {
      delay = minDelay;
      failures = 0;
      stopped = false;
      connected = true;
      for (const event of listeners.subscribed()) post({ t: 'send', ch: 'subscribe', p: { event } });
      const q = queue;
      queue = [];
      for (const m of q) post(m);
      listeners.fire('connection', { connected: true });
    };
    s.onmessage = (ev) => receive(ev.data);
    s.onerror = () => {};
    s.onclose = () => {
      if (socket !== s) return;
      socket = undefined;
      const lost = [...pending.values()];
      pending.clear();
      for (const p of lost)
        p.reject(new OrchardError('host-unreachable', 'lost the connection to orchard web'));
      if (connected) listeners.fire('connection', { connected: false });
      connected = false;
      if (closed) return;
      const again = () => {
        retry = setTimeout(connect, delay);
        delay = Math.min(maxDelay, delay * 2);
      };
      // Ask what became of the server every third failure, and at each one once it may be gone.
      if (++failures % 3 !== 0 && failures < stoppedAfter) return again();
      void probe().then((valid) => {
        if (closed) return;
        if (valid === false) {
          closed = true;
          return listeners.fire('connection', { connected: false, stale: true });
        }
        if (valid === 'unreachable' && failures >= stoppedAfter && !stopped) {
          stopped = true;
          listeners.fire('connection', { connected: false, stopped: true });
        }
        again();
      });
    };
  }

  connect();

  return {
    get connected() {
      return connected;
    },
    request<K extends RequestName>(name: K, params: RequestParams<K>): Promise<RequestResult<K>> {
      if (closed) return Promise.reject(new OrchardError('host-unreachable', 'the connection is closed'));
      const id = nextId++;
      const msg: ClientMessage = { t: 'req', id, ch: name, p: params };
      return new Promise<RequestResult<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (!post(msg)) queue.push(msg);
      });
    },
    send(name, payload) {
      // No desktop shell in browser mode: its channels (tabsChanged) have no one to go to.
      if (isShellSendName(name)) return;
      // Keystrokes and acks for a dropped socket are meaningless after a reconnect: not queued.
      post({ t: 'send', ch: name, p: payload });
    },
    on(name, listener) {
      return listeners.add(name, listener);
    },
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      socket?.close();
    },
  };
}
