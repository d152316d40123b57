// Port forwarding for dev servers of SSH sessions: a listener on this machine's loopback (the same
// port number when free, else a free one), each accepted socket carried by a direct-tcpip channel
// of the host's pooled ssh2 connection. The listener outlives a reconnect of the host (every new
// socket asks the pool, which dials again); a forward ends when its session ends, when stopped, or
// when its record in ORCHARD_HOME/forwards is removed (`orchard forward stop` from another process).
// Only a port that the session's own process tree listens on is forwarded: the UI cannot be used
// to reach any other host:port through the SSH connection.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { ForwardInfo } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import { LOCAL_HOST, type ListeningPort, type SessionInfo } from '../../shared/model.ts';
import type { HostRegistry } from '../hosts/registry.ts';
import type { Disposable } from '../util/lifecycle.ts';
import { connectAddress } from '../monitor/ports.ts';

export interface ForwardEngine {
  readonly hosts: HostRegistry;
  find(id: string): Promise<SessionInfo>;
  /** The ports the session's process tree listens on now. */
  sessionPorts(id: string): Promise<ListeningPort[]>;
  list(): Promise<SessionInfo[]>;
}

interface Live {
  info: ForwardInfo;
  server: Server;
  sockets: Set<Socket>;
  record: string;
}

/** How often the forwarder checks that its sessions still run and its records still exist. */
const CHECK_MS = 2_000;

export function forwardsDir(home: string): string {
  return join(home, 'forwards');
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

export class PortForwarder implements Disposable {
  private readonly live = new Map<number, Live>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly engine: ForwardEngine;
  private readonly owner: ForwardInfo['owner'];

  constructor(engine: ForwardEngine, owner: ForwardInfo['owner']) {
    this.engine = engine;
    this.owner = owner;
  }

  list(): ForwardInfo[] {
    return [...this.live.values()].map((l) => ({ ...l.info, connections: l.sockets.size }));
  }

  /**
   * Forward `port` of session `id`. A local session needs no forward: its URL is returned as it is.
   * `localPort`: the port to listen on here (refused when taken); default: the same number, else any.
   */
  async start(id: string, port: number, localPort?: number): Promise<ForwardInfo> {
    const s = await this.engine.find(id);
    const listening = await this.engine.sessionPorts(id);
    const hit = listening.find((p) => p.port === port);
    if (!hit)
      throw new OrchardError(
        'invalid-argument',
        `session ${id} does not listen on port ${port}` +
          (listening.length
            ? ` (it listens on ${listening.map((p) => p.port).join(', ')})`
            : ' (it listens on no TCP port)'),
      );
    if (s.host === LOCAL_HOST)
      return {
        sessionId: id,
        host: s.host,
        remotePort: port,
        remoteAddress: hit.address,
        localPort: port,
        url: `http://127.0.0.1:${port}/`,
        direct: true,
        owner: this.owner,
        pid: process.pid,
        startedAt: new Date().toISOString(),
        connections: 0,
      };
    const existing = [...this.live.values()].find(
      (l) => l.info.sessionId === id && l.info.remotePort === port,
    );
    if (existing) return { ...existing.info, connections: existing.sockets.size };
    const ctx = await this.engine.hosts.get(s.host);
    const host = ctx.host;
    if (!host.openTcp) throw new OrchardError('invalid-argument', `${s.host} cannot forward ports`);
    const target = connectAddress(hit.address);
    const sockets = new Set<Socket>();
    const server = createServer((sock) => {
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
      sock.on('error', () => sock.destroy());
      sock.pause();
      host.openTcp!(target, port).then(
        (ch) => {
          if (sock.destroyed) return void ch.destroy();
          ch.on('error', () => sock.destroy());
          ch.once('close', () => sock.destroy());
          sock.once('close', () => ch.destroy());
          sock.pipe(ch);
          ch.pipe(sock);
          sock.resume();
        },
        () => sock.destroy(),
      );
    });
    let bound: number;
    try {
      bound = await listen(server, localPort ?? port);
    } catch (e) {
      if (localPort !== undefined || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE')
        throw new OrchardError(
          'invalid-argument',
          `cannot listen on 127.0.0.1:${localPort ?? port}: ${(e as Error).message}`,
        );
      bound = await listen(server, 0);
    }
    const info: ForwardInfo = {
      sessionId: id,
      host: s.host,
      remotePort: port,
      remoteAddress: hit.address,
      localPort: bound,
      url: `http://127.0.0.1:${bound}/`,
      direct: false,
      owner: this.owner,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      connections: 0,
    };
    const dir = forwardsDir(this.engine.hosts.home);
    await mkdir(dir, { recursive: true });
    const record = join(dir, `${process.pid}-${bound}.json`);
    await writeFile(`${record}.tmp`, JSON.stringify(info));
    await rename(`${record}.tmp`, record);
    this.live.set(bound, { info, server, sockets, record });
    this.timer ??= setInterval(() => void this.check(), CHECK_MS);
    this.timer.unref?.();
    return info;
  }

  /** Stop the forward listening on `localPort` here; false when there is none. */
  stop(localPort: number): boolean {
    const l = this.live.get(localPort);
    if (!l) return false;
    this.live.delete(localPort);
    l.server.close();
    for (const s of l.sockets) s.destroy();
    void rm(l.record, { force: true });
    if (!this.live.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    return true;
  }

  /** Forwards whose session ended, or whose record another process removed, are stopped. */
  private async check(): Promise<void> {
    if (!this.live.size) return;
    let sessions: SessionInfo[];
    try {
      sessions = await this.engine.list();
    } catch {
      return;
    }
    for (const [port, l] of [...this.live]) {
      const s = sessions.find((x) => x.id === l.info.sessionId);
      const ended = !s || s.state === 'exited' || s.state === 'stopped';
      const recordGone = !(await readFile(l.record, 'utf8').then(
        () => true,
        () => false,
      ));
      if (ended || recordGone) this.stop(port);
    }
  }

  dispose(): void {
    for (const port of [...this.live.keys()]) this.stop(port);
  }
}

/** Every forward any Orchard process on this machine runs (records of dead processes are dropped). */
export async function readForwardRecords(home: string): Promise<Array<ForwardInfo & { record: string }>> {
  const dir = forwardsDir(home);
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Array<ForwardInfo & { record: string }> = [];
  for (const n of names.filter((x) => x.endsWith('.json'))) {
    const record = join(dir, n);
    try {
      const info = JSON.parse(await readFile(record, 'utf8')) as ForwardInfo;
      try {
        process.kill(info.pid, 0);
      } catch {
        await rm(record, { force: true });
        continue;
      }
      out.push({ ...info, record });
    } catch {
      // A record being written or a stray file: not a forward.
    }
  }
  return out.sort((a, b) => a.localPort - b.localPort);
}
