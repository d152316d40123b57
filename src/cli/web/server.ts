// `orchard web`: the built renderer over HTTP and the contract (src/shared/api.ts) over one
// WebSocket at WS_PATH, both behind the token (see auth.ts). The same router as the Electron app.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_PATH, type ServerMessage } from '../../shared/api.ts';
import type { Engine } from '../../core/engine.ts';
import { createRouter, type Router, type RouterOptions } from '../../core/rpc/index.ts';
import { connectPassphrases } from '../../core/rpc/passphrases.ts';
import { hostname, networkInterfaces } from 'node:os';
import {
  allowedHostNames,
  cookieName,
  hostAllowed,
  newToken,
  originAllowed,
  tokenValid,
  type Gate,
} from './auth.ts';
import { sendText, serveFile } from './static.ts';
import { noteMessageSize } from '../../core/util/gc.ts';

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));
const MAX_MESSAGE = 8 * 1024 * 1024;
const PING_MS = 30_000;

export interface WebServerOptions {
  engine: Engine;
  port?: number;
  host?: string;
  token?: string;
  rendererDir?: string;
  router?: RouterOptions;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly token: string;
  readonly rendererBuilt: boolean;
  readonly router: Router;
  close(): Promise<void>;
}

const MISSING_RENDERER =
  'The Orchard UI is not built. Run `npm run build` in the Orchard checkout, then reload this page.\n';

function handleHttp(req: IncomingMessage, res: ServerResponse, gate: Gate, rendererDir: string): void {
  const url = new URL(req.url ?? '/', 'http://orchard.invalid');
  if (!hostAllowed(req, gate)) return sendText(res, 403, 'forbidden host\n');
  if (!tokenValid(req, url, gate))
    return sendText(res, 401, 'Orchard: missing or wrong token. Open the URL that `orchard web` printed.\n');
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  if (url.pathname === WS_PATH) return sendText(res, 426, 'WebSocket only\n');
  // The page's own requests (scripts, styles, the socket) then carry the token as a cookie.
  const setCookie: Record<string, string> =
    url.searchParams.get('token') !== null
      ? { 'Set-Cookie': `${cookieName(gate.port)}=${gate.token}; HttpOnly; SameSite=Strict; Path=/` }
      : {};
  if (!existsSync(rendererDir)) return sendText(res, 503, MISSING_RENDERER, setCookie);
  void serveFile(res, rendererDir, url.pathname, req.method === 'HEAD', setCookie).catch(() => res.destroy());
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Far above what flow control lets a well-behaved client have in flight (100k chars per terminal). */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

function acceptSocket(ws: WebSocket, router: Router, id: string): void {
  const conn = router.connect({
    id,
    send: (m: ServerMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      // Flow control counts what the client acknowledges, not what it reads off its socket: a client
      // that acks but stops reading would grow this buffer without bound. Past the cap it is dropped
      // (its terminals detach; the agents keep running) and can reconnect.
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate();
      ws.send(JSON.stringify(m));
    },
  });
  let alive = true;
  const ping = setInterval(() => {
    // A client that stopped answering pings is gone: free its terminals.
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_MS);
  ws.on('pong', () => (alive = true));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return void conn.handle(null);
    // The bytes as they came: the connection looks at their shape before it decodes them.
    const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
    noteMessageSize(bytes.length);
    void conn.handle(bytes);
  });
  ws.on('close', () => {
    clearInterval(ping);
    conn.dispose();
  });
  ws.on('error', () => ws.terminate());
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const rendererDir = opts.rendererDir ?? DEFAULT_RENDERER_DIR;
  const router = createRouter(opts.engine, opts.router);
  // Encrypted SSH keys: an open page asks for the passphrase (else the terminal, if there is one).
  const passphrases = connectPassphrases(router, opts.engine);
  const addresses = Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address));
  const gate: Gate = {
    token,
    port: 0,
    hostNames: allowedHostNames(host, { addresses, hostname: hostname() }),
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  let peers = 0;

  const server: Server = createServer((req, res) => handleHttp(req, res, gate, rendererDir));
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://orchard.invalid');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!hostAllowed(req, gate) || !originAllowed(req)) return refuse(socket, 403, 'Forbidden');
    if (!tokenValid(req, url, gate, false)) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => acceptSocket(ws, router, `ws:${++peers}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  gate.port = port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    host,
    token,
    rendererBuilt: existsSync(rendererDir),
    router,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      passphrases.dispose();
      router.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
