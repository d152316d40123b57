// A small pool of SSH connections to one host. sshd's MaxSessions (10 by default) caps channels per
// connection, so each connection carries at most `maxChannels` (8) and another one is opened for
// more. Extra connections close when idle; a lost connection is reopened on demand, with backoff
// after failures so a dead host answers fast instead of being dialled on every call.
import type { Client } from 'ssh2';
import { OrchardError } from '../../shared/errors.ts';
import { Emitter, type Disposable } from '../util/lifecycle.ts';
import type { Connected } from './connect.ts';

export interface PoolOptions {
  label: string;
  connect(): Promise<Connected>;
  maxChannels?: number;
  /** An extra connection with no channel closes after this long. */
  idleMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

interface Conn {
  c: Connected;
  active: number;
  capacity: number;
  closed: boolean;
  idle?: ReturnType<typeof setTimeout>;
}

export interface Lease {
  readonly client: Client;
  release(): void;
  /** The server refused a channel below our cap (a lower MaxSessions): use fewer on this connection. */
  markFull(): void;
  /** The connection is unusable (ssh2: "Not connected"): drop it so the next acquire dials again. */
  markBroken(): void;
}

export class SshPool implements Disposable {
  private readonly conns: Conn[] = [];
  private pending: Promise<void> | undefined;
  private failures = 0;
  private nextTry = 0;
  private lastError: OrchardError | undefined;
  private disposed = false;
  private readonly opts: Required<PoolOptions>;
  private readonly stateEmitter = new Emitter<'up' | 'down'>();
  /** 'up' when a connection opens after none; 'down' when the last one is lost or a connect fails. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(opts: PoolOptions) {
    // Backoff stops at 5 s: a host that is back must be found soon (an open terminal re-attaches
    // when the next dial succeeds, and the user is waiting for it), and one dial per 5 s is cheap.
    this.opts = { maxChannels: 8, idleMs: 30_000, backoffBaseMs: 500, backoffMaxMs: 5_000, ...opts };
  }

  get connectionCount(): number {
    return this.conns.length;
  }

  get channelCount(): number {
    return this.conns.reduce((n, c) => n + c.active, 0);
  }

  /**
   * The host was just reached another way (a test connection, a passphrase just given): a failure
   * remembered from before must not refuse the next dial with "next retry in Ns".
   */
  forgetFailures(): void {
    this.failures = 0;
    this.nextTry = 0;
    this.lastError = undefined;
  }

  async acquire(): Promise<Lease> {
    for (;;) {
      if (this.disposed) throw new OrchardError('host-unreachable', `${this.opts.label}: connection closed`);
      const free = this.conns.find((c) => !c.closed && c.active < c.capacity);
      if (free) return this.lease(free);
      this.pending ??= this.open().finally(() => (this.pending = undefined));
      await this.pending;
    }
  }

  private lease(conn: Conn): Lease {
    conn.active++;
    if (conn.idle) clearTimeout(conn.idle);
    conn.idle = undefined;
    let released = false;
    return {
      client: conn.c.client,
      release: () => {
        if (released) return;
        released = true;
        conn.active--;
        this.maybeIdle(conn);
      },
      markFull: () => {
        conn.capacity = Math.max(1, conn.active - 1);
      },
      markBroken: () => this.drop(conn),
    };
  }

  private maybeIdle(conn: Conn): void {
    // The first connection stays (keepalive holds it); extra ones go when unused.
    if (conn.closed || conn.active > 0 || this.conns[0] === conn) return;
    conn.idle = setTimeout(() => {
      if (conn.active === 0) conn.c.end();
    }, this.opts.idleMs);
    conn.idle.unref?.();
  }

  private async open(): Promise<void> {
    const wait = this.nextTry - Date.now();
    if (wait > 0 && this.lastError)
      throw new OrchardError(
        this.lastError.code,
        `${this.lastError.message} (next retry in ${Math.ceil(wait / 1000)}s)`,
        this.lastError.detail,
      );
    let c: Connected;
    try {
      c = await this.opts.connect();
    } catch (e) {
      const err =
        e instanceof OrchardError
          ? e
          : new OrchardError('host-unreachable', `${this.opts.label}: ${String(e)}`);
      this.failures++;
      const delay = Math.min(this.opts.backoffBaseMs * 2 ** (this.failures - 1), this.opts.backoffMaxMs);
      this.nextTry = Date.now() + delay;
      this.lastError = err;
      if (this.conns.length === 0) this.stateEmitter.fire('down');
      throw err;
    }
    if (this.disposed) {
      c.end();
      throw new OrchardError('host-unreachable', `${this.opts.label}: connection closed`);
    }
    this.failures = 0;
    this.nextTry = 0;
    this.lastError = undefined;
    const conn: Conn = { c, active: 0, capacity: this.opts.maxChannels, closed: false };
    const wasEmpty = this.conns.length === 0;
    this.conns.push(conn);
    c.client.once('close', () => this.drop(conn));
    if (wasEmpty) this.stateEmitter.fire('up');
  }

  private drop(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    if (conn.idle) clearTimeout(conn.idle);
    const i = this.conns.indexOf(conn);
    if (i >= 0) this.conns.splice(i, 1);
    conn.c.end();
    if (this.conns.length === 0 && !this.disposed) this.stateEmitter.fire('down');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const conn of [...this.conns]) {
      if (conn.idle) clearTimeout(conn.idle);
      conn.c.end();
    }
    this.conns.length = 0;
    this.stateEmitter.dispose();
  }
}
