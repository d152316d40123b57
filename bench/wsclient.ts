// A minimal client of Orchard's contract over the WebSocket, as the browser's would be: requests,
// terminal input, acks of every chunk (what xterm does after parsing). For benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { CLI } from './lib.ts';

export interface WebServer {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

export async function startWeb(env: NodeJS.ProcessEnv): Promise<WebServer> {
  const child = spawn(process.execPath, [CLI, 'web', '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => l.startsWith('http://') && resolve(l.trim()));
    child.on('exit', (c) => reject(new Error(`orchard web exited with ${c}`)));
  });
  return {
    url,
    child,
    close: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

export class RpcClient {
  private readonly ws: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    (m: { ok: boolean; value?: unknown; error?: unknown }) => void
  >();
  /** terminal id → data listener */
  readonly onData = new Map<string, (data: string) => void>();
  ackEvery = true;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      if (m.t === 'res') this.pending.get(m.id)?.(m);
      else if (m.t === 'evt' && m.ch === 'terminalData') {
        const { term, data } = m.p as { term: string; data: string };
        this.onData.get(term)?.(data);
        if (this.ackEvery) this.send('terminalAck', { term, chars: data.length });
      }
    });
  }

  static async connect(httpUrl: string): Promise<RpcClient> {
    const u = new URL(httpUrl);
    const ws = new WebSocket(`ws://${u.host}/rpc?token=${u.searchParams.get('token')}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.setMaxListeners?.(0);
    return new RpcClient(ws);
  }

  request<T>(ch: string, p: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => {
        this.pending.delete(id);
        if (m.ok) resolve(m.value as T);
        else reject(new Error(JSON.stringify(m.error)));
      });
      this.ws.send(JSON.stringify({ t: 'req', id, ch, p }));
    });
  }

  send(ch: string, p: unknown): void {
    this.ws.send(JSON.stringify({ t: 'send', ch, p }));
  }

  close(): void {
    this.ws.close();
  }
}
