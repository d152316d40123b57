// `orchard web` as a real process: the token and Origin gates, the contract over the WebSocket,
// malformed input, live terminals on real tmux sessions (fake agent, `yes`) with flow control.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { FLOW, type ServerMessage, type TerminalDataEvent } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { CLI, makeEnv, makeRepo, ROOT, runCli, waitFor, type TestEnv, waitForStall } from '../helpers/env.ts';

let t: TestEnv;
let server: ChildProcess;
let base: string;
let token: string;
let origin: string;
let repo: string;

beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo', ['feat', 'flow', 'solo']);
  server = spawn(process.execPath, [CLI, 'web', '--port', '0'], { env: t.env, cwd: ROOT });
  let out = '';
  server.stderr!.on('data', (d) => process.stderr.write(`[orchard web] ${d}`));
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (d) => {
      out += d;
      const line = /^(http:\/\/\S+)\n/m.exec(out)?.[1];
      if (line) resolve(line);
    });
    server.once('exit', (code) => reject(new Error(`orchard web exited with ${code}: ${out}`)));
  });
  const u = new URL(url);
  expect(u.hostname).toBe('127.0.0.1');
  token = u.searchParams.get('token')!;
  expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  base = `http://127.0.0.1:${u.port}`;
  origin = base;
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
  t?.cleanup();
});

const wsUrl = (tok?: string) =>
  `ws://127.0.0.1:${new URL(base).port}/rpc${tok === undefined ? '' : `?token=${tok}`}`;

/** Opens a socket; resolves with it, or rejects with the HTTP status the server refused it with. */
function open(url: string, headers: Record<string, string> = { Origin: origin }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

class Client {
  readonly messages: ServerMessage[] = [];
  private readonly terminals = new Map<string, string>();
  private next = 10_000;
  readonly ws: WebSocket;
  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (m.t === 'evt' && m.ch === 'terminalData') {
        const { term, data } = m.p as TerminalDataEvent;
        this.terminals.set(term, (this.terminals.get(term) ?? '') + data);
      } else this.messages.push(m);
    });
  }
  static async open(): Promise<Client> {
    return new Client(await open(wsUrl(token)));
  }
  raw(data: string | Buffer): void {
    this.ws.send(data);
  }
  async req<T = unknown>(ch: string, p: unknown = {}): Promise<T> {
    const r = await this.reply(ch, p);
    if (!r.ok) throw new Error(`${ch}: ${r.error.code}: ${r.error.message}`);
    return r.value as T;
  }
  async reply(ch: string, p: unknown = {}) {
    const id = this.next++;
    this.raw(JSON.stringify({ t: 'req', id, ch, p }));
    return waitFor(
      () =>
        this.messages.find((m): m is Extract<ServerMessage, { t: 'res' }> => m.t === 'res' && m.id === id),
      30_000,
      `reply to ${ch}`,
    );
  }
  send(ch: string, p: unknown): void {
    this.raw(JSON.stringify({ t: 'send', ch, p }));
  }
  /** Terminal output received so far for `term`. */
  output(term: string): string {
    return this.terminals.get(term) ?? '';
  }
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((r) => {
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}

/** Acks what `term` received, as xterm would after parsing it. */
function ackAll(c: Client, term: string, acked: { n: number }): void {
  const got = c.output(term).length;
  if (got > acked.n) c.send('terminalAck', { term, chars: got - acked.n });
  acked.n = got;
}

function statusWithHost(path: string, host: string): Promise<number> {
  return statusWithHostAt(Number(new URL(base).port), path, host);
}

function statusWithHostAt(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`http://127.0.0.1:${port}${path}`, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Terminal clients (`tmux attach`); the host monitor's control-mode clients do not count. */
const tmuxClients = () => {
  try {
    return execFileSync('tmux', ['-L', t.socket, 'list-clients', '-F', '#{client_control_mode}'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((x) => x === '0').length;
  } catch {
    return 0;
  }
};

describe('gates', () => {
  test('HTTP needs the token; the Host must be this server', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/assets/x.js`)).status).toBe(401);
    const ok = await fetch(`${base}/?token=${token}`);
    expect([200, 503]).toContain(ok.status); // 503: the UI is not built; it says to run npm run build
    expect(ok.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toContain(token);
    // The page's own later requests carry only the cookie.
    expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(ok.status);
    const traversal = await fetch(`${base}/..%2f..%2fpackage.json?token=${token}`);
    expect([404, 503]).toContain(traversal.status);
    // DNS rebinding: a page on another name that resolves to 127.0.0.1.
    expect(await statusWithHost(`/?token=${token}`, `evil.example:${new URL(base).port}`)).toBe(403);
    expect(await statusWithHost(`/?token=${token}`, `localhost:${new URL(base).port}`)).toBe(ok.status);
    if (ok.status === 200) expect(await ok.text()).toContain('<div id="root">');
    else expect(await ok.text()).toContain('npm run build');
  });

  test('the WebSocket is refused without the token or from another origin', async () => {
    await expect(open(wsUrl())).rejects.toThrow('status 401');
    await expect(open(wsUrl('wrong'))).rejects.toThrow('status 401');
    await expect(open(wsUrl(token), { Origin: 'http://evil.example' })).rejects.toThrow('status 403');
    await expect(open(wsUrl(token), { Origin: 'null' })).rejects.toThrow('status 403');
    // The page's cookie (which browsers also send to every other localhost port) does not open it.
    const page = await fetch(`${base}/?token=${token}`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    await expect(open(wsUrl(), { Origin: origin, Cookie: cookie })).rejects.toThrow('status 401');
    const ws = await open(wsUrl(token));
    ws.close();
  });
});

describe('the contract over the WebSocket', () => {
  test('requests work, malformed messages get an error reply and change nothing', async () => {
    const c = await Client.open();
    const added = await c.req<{ name: string }>('addRepo', { path: repo });
    expect(added.name).toBe('repo');
    const configBefore = readFileSync(join(t.home, 'config.json'), 'utf8');
    const sessionsBefore = await c.req<SessionInfo[]>('listSessions');
    const junk: (string | Buffer)[] = [
      'not json',
      '{',
      '',
      'null',
      '[1,2]',
      '"req"',
      Buffer.from([0xff, 0x00, 0x13]),
      JSON.stringify({ t: 'req', id: 1, ch: 'nope', p: {} }),
      JSON.stringify({ t: 'req', id: 2, ch: 'spawn', p: { repo: 'repo' } }),
      JSON.stringify({
        t: 'req',
        id: 3,
        ch: 'spawn',
        p: { repo: 'repo', branch: 'feat', command: 'x', agent: 'y' },
      }),
      JSON.stringify({ t: 'req', id: 4, ch: 'kill', p: { id: '$(touch /tmp/pwned)' } }),
      JSON.stringify({ t: 'req', id: 5, ch: 'removeRepo', p: { repo: 'repo', extra: 1 } }),
      JSON.stringify({ t: 'req', id: 6, ch: 'addRepo', p: { path: 7 } }),
      JSON.stringify({
        t: 'req',
        id: 7,
        ch: 'attach',
        p: { term: 'a b', session: 'ab', cols: 80, rows: 24 },
      }),
      JSON.stringify({ t: 'req', id: 8, ch: 'sendText', p: { id: 'ab' } }),
      JSON.stringify({ t: 'send', ch: 'terminalInput', p: 'x' }),
      JSON.stringify({ t: 'send', ch: 'subscribe', p: { event: 'terminalData' } }),
      JSON.stringify({ t: 'send', ch: 'listRepos', p: {} }),
      JSON.stringify({ t: 'evt', ch: 'sessionsChanged', p: [] }),
      JSON.stringify({ t: 'res', id: 1, ok: true, value: 1 }),
    ];
    // And a few dozen random mutations of a valid spawn request.
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [null, true, -1, 1e308, '', 'x'.repeat(5000), [], {}, '../..', '; rm -rf ~'];
    for (let i = 0; i < 30; i++) {
      const p: Record<string, unknown> = { repo: 'repo', branch: 'feat' };
      const key = ['repo', 'branch', 'newBranch', 'from', 'cols', 'agent', 'evil'][Math.floor(rand() * 7)]!;
      p[key] = values[Math.floor(rand() * values.length)];
      if (key === 'repo' || key === 'branch') p.newBranch = 'yes'; // never a valid spawn
      junk.push(JSON.stringify({ t: 'req', id: 100 + i, ch: 'spawn', p }));
    }
    for (const m of junk) {
      const n = c.messages.length;
      c.raw(m);
      const r = await waitFor(() => c.messages[n], 10_000, `reply to ${String(m).slice(0, 40)}`);
      const error = r.t === 'err' ? r.error : r.t === 'res' && !r.ok ? r.error : undefined;
      // Schema failures are 'invalid-argument'; a well-formed spawn of a missing profile or an
      // existing branch is refused by the engine, with its own code, before anything is made.
      expect(['invalid-argument', 'profile-not-found', 'branch-exists'], String(m).slice(0, 80)).toContain(
        error?.code,
      );
      if (r.t === 'err' || !String(m).includes('"ch":"spawn"')) expect(error?.code).toBe('invalid-argument');
      expect(c.messages.length, String(m).slice(0, 80)).toBe(n + 1);
    }
    expect(readFileSync(join(t.home, 'config.json'), 'utf8')).toBe(configBefore);
    expect(await c.req<SessionInfo[]>('listSessions')).toEqual(sessionsBefore);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    await c.close();
  });

  test('a spawned session shows its banner, takes input, serves two viewers, and outlives detach', async () => {
    const a = await Client.open();
    const b = await Client.open();
    a.send('subscribe', { event: 'sessionsChanged' });
    const s = await a.req<SessionInfo>('spawn', { repo, branch: 'feat' });
    await waitFor(
      () =>
        a.messages.some(
          (m) =>
            m.t === 'evt' && m.ch === 'sessionsChanged' && (m.p as SessionInfo[]).some((x) => x.id === s.id),
        ),
      10_000,
      'sessionsChanged with the new session',
    );
    const ackA = { n: 0 };
    await a.req('attach', { term: 'ta', session: s.id, cols: 100, rows: 30 });
    await waitFor(
      () => (ackAll(a, 'ta', ackA), a.output('ta').includes('Welcome to Fake Claude')),
      15_000,
      'banner',
    );
    await waitFor(() => a.output('ta').includes('> '), 10_000, 'prompt');
    await b.req('attach', { term: 'tb', session: s.id, cols: 100, rows: 30 });
    expect(tmuxClients()).toBe(2);
    a.send('terminalInput', { term: 'ta', data: 'hello from the browser\r' });
    await waitFor(
      () => (ackAll(a, 'ta', ackA), a.output('ta').includes('You said: hello from the browser')),
      10_000,
      'answer in A',
    );
    await waitFor(() => b.output('tb').includes('You said: hello from the browser'), 10_000, 'answer in B');
    a.send('terminalResize', { term: 'ta', cols: 120, rows: 40 });
    a.send('detach', { term: 'ta' });
    await waitFor(() => tmuxClients() === 1, 5000, 'one tmux client after detach');
    await b.close(); // closing the socket detaches its terminals too
    await waitFor(() => tmuxClients() === 0, 5000, 'no tmux client after close');
    const after = (await a.req<SessionInfo[]>('listSessions')).find((x) => x.id === s.id);
    expect(after?.state).not.toBe('exited');
    expect(await a.req<string>('capture', { id: s.id })).toContain('You said: hello from the browser');
    await a.req('kill', { id: s.id });
    await a.close();
  });

  test('flow control: `yes` pauses when acks stop, resumes when they come; Ctrl-C stops it', async () => {
    const c = await Client.open();
    const s = await c.req<SessionInfo>('spawn', { repo, branch: 'flow', command: 'yes' });
    await c.req('attach', { term: 'y', session: s.id, cols: 80, rows: 24 });
    // No acks: output must stop near the high watermark (what was in flight when it paused).
    await waitFor(() => c.output('y').length > FLOW.highWatermark, 20_000, 'output past the high watermark');
    const stalled = await waitForStall(() => c.output('y').length, 20_000, 'output to stall without acks');
    console.log(`flow control: output stalled at ${stalled} unacknowledged chars`);
    expect(stalled).toBeGreaterThan(FLOW.highWatermark);
    expect(stalled).toBeLessThan(FLOW.highWatermark + 256 * 1024);
    // Acks resume it.
    const acked = { n: 0 };
    ackAll(c, 'y', acked);
    await waitFor(() => c.output('y').length > stalled + FLOW.lowWatermark, 20_000, 'output after acks');
    // Keep acking while Ctrl-C travels: the input path is never blocked by the output path.
    const pump = setInterval(() => ackAll(c, 'y', acked), 20);
    try {
      c.send('terminalInput', { term: 'y', data: '\x03' });
      const done = await waitFor(
        async () =>
          (await c.req<SessionInfo[]>('listSessions')).find((x) => x.id === s.id && x.state === 'exited'),
        20_000,
        'yes to stop',
      );
      expect(done.exitCode).toBe(130);
    } finally {
      clearInterval(pump);
    }
    await c.close();
  });
});

test('multibyte output arrives whole (UTF-8 decoded as a stream)', async () => {
  const c = await Client.open();
  const script = "for (let i = 0; i < 3000; i++) process.stdout.write('✻é🌳日本 ' + i + '\\n')";
  const cmd = `${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)}; sleep 30`;
  const s = await c.req<SessionInfo>('spawn', { repo, branch: 'utf', newBranch: true, command: cmd });
  try {
    await c.req('attach', { term: 'u', session: s.id, cols: 80, rows: 24 });
    const acked = { n: 0 };
    // tmux redraws with cursor moves and skips frames: the number may not follow the text
    // directly on the wire, and not every line is sent, but a screenful at least is.
    await waitFor(() => (ackAll(c, 'u', acked), c.output('u').includes(' 2999')), 20_000, 'last line');
    const out = c.output('u');
    expect(out).not.toContain('\uFFFD');
    expect(out.split('✻é🌳日本').length).toBeGreaterThan(20);
    expect(await c.req<string>('capture', { id: s.id })).toContain('✻é🌳日本 2999');
  } finally {
    await c.req('kill', { id: s.id });
    await c.close();
  }
});

test('SIGTERM disposes everything and exits 0', async () => {
  const c = await Client.open();
  const s = await c.req<SessionInfo>('spawn', { repo, branch: 'solo' });
  await c.req('attach', { term: 'z', session: s.id, cols: 80, rows: 24 });
  await waitFor(() => tmuxClients() === 1, 5000, 'attached');
  const closed = new Promise((r) => c.ws.once('close', r));
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  server.kill('SIGTERM');
  expect(await exited).toBe(0);
  await closed;
  await waitFor(() => tmuxClients() === 0, 5000, 'attach clients gone');
  // The agent itself keeps running in tmux.
  const ls = execFileSync(process.execPath, [CLI, 'ls', '--json'], { env: t.env, encoding: 'utf8' });
  expect((JSON.parse(ls) as SessionInfo[]).find((x) => x.id === s.id)?.state).not.toBe('exited');
});

test('--host beyond loopback still needs the token and says so; a bad --port is a usage error', async () => {
  const child = spawn(process.execPath, [CLI, 'web', '--host', '0.0.0.0', '--port', '0'], {
    env: t.env,
    cwd: ROOT,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = await waitFor(() => /^(http:\/\/\S+)\n/m.exec(out)?.[1], 15_000, 'url');
    expect(err).toMatch(/WARNING: listening on 0\.0\.0\.0/);
    const u = new URL(url);
    expect((await fetch(`http://127.0.0.1:${u.port}/`)).status).toBe(401);
    // Beyond loopback the Host check stays on (DNS rebinding): this machine's names and addresses.
    const good = await statusWithHostAt(Number(u.port), `/?token=${u.searchParams.get('token')}`, u.host);
    expect([200, 503]).toContain(good);
    expect(await statusWithHostAt(Number(u.port), `/?token=wrong`, u.host)).toBe(401);
    expect(
      await statusWithHostAt(Number(u.port), `/?token=${u.searchParams.get('token')}`, `box.lan:${u.port}`),
    ).toBe(403);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  const bad = await runCli(['web', '--port', 'http'], t.env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--port');
});
