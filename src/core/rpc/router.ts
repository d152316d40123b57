// The router: the contract (src/shared/api.ts) mapped onto the engine, for any number of clients
// over any transport. See index.ts for how a transport plugs in.
import {
  SUBSCRIBABLE_EVENTS,
  type EventMap,
  type StatsSnapshot,
  type SubscribableEvent,
} from '../../shared/api.ts';
import type { Engine, KillOptions } from '../engine.ts';
import type { TerminalOptions } from '../terminal/terminal.ts';
import { engineOpener, type PtyOpener } from '../terminal/viewer.ts';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../util/lifecycle.ts';
import { Connection, type Peer } from './connection.ts';
import type { HandlerContext } from './handlers.ts';
import { FleetMonitor, type FleetMonitorOptions } from '../status/fleet-monitor.ts';
import { connectMonitor } from './watch.ts';

export interface RouterOptions {
  /**
   * The fleet's monitor (one HostMonitor per host). A composition root that runs the engine for a
   * front end makes one and starts it; without one the router makes its own (and disposes it).
   */
  monitor?: FleetMonitor;
  /** Options for the router's own monitor. */
  monitorOptions?: FleetMonitorOptions;
  /** list-panes polling interval where tmux control mode is unavailable (default 1000 ms). */
  pollMs?: number;
  /** A sampler for the `stats` request other than the monitor's (tests). */
  stats?: () => Promise<StatsSnapshot>;
  /** How terminals are opened (default: `tmux attach` through the session's Host). */
  opener?: PtyOpener;
  /** Flow-control and batching overrides (tests). */
  terminal?: TerminalOptions;
}

/** What a Connection needs from its router. */
export interface RouterCore {
  readonly opener: PtyOpener;
  readonly terminalOptions: TerminalOptions;
  readonly handlerContext: HandlerContext;
  retain(event: SubscribableEvent, conn: Connection): Disposable;
}

export class Router implements RouterCore, Disposable {
  readonly opener: PtyOpener;
  readonly terminalOptions: TerminalOptions;
  readonly handlerContext: HandlerContext;
  private readonly connections = new Map<string, Connection>();
  private readonly subscribers = new Map<SubscribableEvent, Set<Connection>>(
    SUBSCRIBABLE_EVENTS.map((e) => [e, new Set<Connection>()]),
  );
  readonly monitor: FleetMonitor;
  private readonly disposables = new DisposableStore();
  private readonly subscribersChanged = new Emitter<SubscribableEvent>();
  /** Fires when the set of clients subscribed to an event changes (e.g. start/stop stats sampling). */
  readonly onDidChangeSubscribers = this.subscribersChanged.event;

  constructor(engine: Engine, opts: RouterOptions = {}) {
    this.opener = opts.opener ?? engineOpener(engine);
    this.terminalOptions = opts.terminal ?? {};
    this.monitor =
      opts.monitor ??
      this.disposables
        .add(
          new FleetMonitor(engine, {
            ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
            ...opts.monitorOptions,
          }),
        )
        .start();
    const monitor = this.monitor;
    // Kills through the contract tell the monitor first: a server that exits with the last of them
    // did not die under its sessions.
    const killer = Object.create(engine, {
      kill: { value: (id: string, o?: KillOptions) => (monitor.expectGone(id), engine.kill(id, o)) },
    }) as Engine;
    this.handlerContext = {
      engine: killer,
      sessionsTouched: () => monitor.refresh(),
      stats: opts.stats ?? (() => monitor.statsNow()),
    };
    this.disposables.add(connectMonitor(this, monitor));
    this.disposables.add(this.subscribersChanged);
  }

  /** Attach a client. Dispose the returned connection when the client goes away. */
  connect(peer: Peer): Connection {
    if (this.connections.has(peer.id)) throw new Error(`peer ${peer.id} is already connected`);
    const conn: Connection = new Connection(peer, this, () => {
      if (this.connections.get(peer.id) === conn) this.connections.delete(peer.id);
    });
    this.connections.set(peer.id, conn);
    return conn;
  }

  /** Deliver a message from a connected peer (unknown peers are ignored). */
  handle(peerId: string, message: unknown): Promise<void> {
    return this.connections.get(peerId)?.handle(message) ?? Promise.resolve();
  }

  disconnect(peerId: string): void {
    this.connections.get(peerId)?.dispose();
  }

  /** Push an event to every client subscribed to it. */
  broadcast<K extends SubscribableEvent>(event: K, payload: EventMap[K]): void {
    for (const c of this.subscribers.get(event) ?? []) c.emit(event, payload);
  }

  subscriberCount(event: SubscribableEvent): number {
    return this.subscribers.get(event)?.size ?? 0;
  }

  retain(event: SubscribableEvent, conn: Connection): Disposable {
    const set = this.subscribers.get(event)!;
    set.add(conn);
    // The monitor runs anyway: a new subscriber gets the current list at once.
    if (event === 'sessionsChanged' && this.monitor.current)
      conn.emit('sessionsChanged', this.monitor.current);
    this.subscribersChanged.fire(event);
    return toDisposable(() => {
      set.delete(conn);
      this.subscribersChanged.fire(event);
    });
  }

  dispose(): void {
    for (const c of [...this.connections.values()]) c.dispose();
    this.disposables.dispose();
  }
}

export function createRouter(engine: Engine, opts: RouterOptions = {}): Router {
  return new Router(engine, opts);
}
