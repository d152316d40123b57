// Every host's monitor, one per host (host-monitor.ts), and what front ends want from them: the
// whole fleet's session list when something a user sees changed, state transitions, and resource
// figures (monitor/service.ts). Runs whenever the engine runs for a front end (the app, `orchard
// web` with or without a page open); the CLI's one-shot commands read tmux directly instead.
import type { SessionStateEvent, StatsSnapshot } from '../../shared/api.ts';
import type { SessionInfo, SessionState } from '../../shared/model.ts';
import type { HostRegistry } from '../hosts/registry.ts';
import { StatsService, type StatsServiceOptions } from '../monitor/service.ts';
import { LastSeenSessions } from '../ssh/last-seen.ts';
import type { Store } from '../store/store.ts';
import { Emitter, type Disposable } from '../util/lifecycle.ts';
import { HostMonitor, type HostMonitorOptions } from './host-monitor.ts';
import { join } from 'node:path';

export interface FleetMonitorOptions extends HostMonitorOptions {
  stats?: StatsServiceOptions;
  /** How often the configured hosts are re-read (hosts added or removed; default 5000 ms). */
  hostsMs?: number;
  /** The first list waits this long at most for slow hosts (default 3000 ms). */
  firstListMs?: number;
  log?(message: string): void;
}

/**
 * The published list's bookkeeping: whether a new list differs from the last one (anything in it
 * is something a user sees; monitors keep unreachable hosts' countdown text out), and which
 * sessions changed state. The first list only seeds the states.
 */
export class FleetList {
  private last: { json: string; list: SessionInfo[] } | undefined;
  private states: Map<string, SessionState> | undefined;

  get current(): SessionInfo[] | undefined {
    return this.last?.list;
  }

  take(list: SessionInfo[]): { changed: boolean; transitions: SessionStateEvent[] } {
    const transitions: SessionStateEvent[] = [];
    if (this.states)
      for (const s of list) {
        const from = this.states.get(s.id) ?? null;
        if (from !== s.state) transitions.push({ id: s.id, from, to: s.state, session: s });
      }
    this.states = new Map(list.map((s) => [s.id, s.state] as const));
    const json = JSON.stringify(list);
    if (json === this.last?.json) return { changed: false, transitions };
    this.last = { json, list };
    return { changed: true, transitions };
  }
}

export class FleetMonitor implements Disposable {
  private readonly sessionsEmitter = new Emitter<SessionInfo[]>();
  private readonly stateEmitter = new Emitter<SessionStateEvent>();
  /** The whole fleet's sessions, only when something a user sees changed. */
  readonly onDidChangeSessions = this.sessionsEmitter.event;
  /** A session's state changed (from null: new to this monitor). */
  readonly onDidChangeState = this.stateEmitter.event;
  readonly stats: StatsService;

  private readonly monitors = new Map<string, HostMonitor>();
  private readonly published = new FleetList();
  private startedAt = 0;
  private hostsTimer: ReturnType<typeof setTimeout> | undefined;
  private firstTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly lastSeen: LastSeenSessions;
  private readonly engine: { store: Store; hosts: HostRegistry };
  private readonly opts: FleetMonitorOptions;
  private readonly log: (message: string) => void;

  constructor(engine: { store: Store; hosts: HostRegistry }, opts: FleetMonitorOptions = {}) {
    this.engine = engine;
    this.opts = opts;
    this.log = opts.log ?? ((m) => console.error(`[orchard] ${m}`));
    this.lastSeen = new LastSeenSessions(join(engine.hosts.home, 'last-seen'));
    this.stats = new StatsService({ samplers: () => [...this.monitors.values()] }, opts.stats);
  }

  start(): this {
    if (this.startedAt || this.disposed) return this;
    this.startedAt = Date.now();
    void this.syncHosts();
    // A host that has not answered yet (a slow SSH host) must not hold back the others for long.
    this.firstTimer = setTimeout(() => this.combine(), this.opts.firstListMs ?? 3000);
    return this;
  }

  /** The fleet's sessions as last published (undefined before the first list). */
  get current(): SessionInfo[] | undefined {
    return this.published.current;
  }

  host(name: string): HostMonitor | undefined {
    return this.monitors.get(name);
  }

  /** A session is being killed on purpose (see HostMonitor.expectGone). */
  expectGone(id: string): void {
    for (const m of this.monitors.values()) m.expectGone(id);
  }

  /** Sessions changed (a spawn or kill by this process): look now on every host. */
  refresh(): void {
    for (const m of this.monitors.values()) m.refresh();
    void this.syncHosts();
  }

  /** The `stats` request: the latest figures with history. */
  statsNow(): Promise<StatsSnapshot> {
    return this.stats.current();
  }

  private async syncHosts(): Promise<void> {
    if (this.hostsTimer) clearTimeout(this.hostsTimer);
    this.hostsTimer = undefined;
    try {
      const names = new Set(await this.engine.hosts.names());
      if (this.disposed) return;
      for (const [name, m] of this.monitors)
        if (!names.has(name)) {
          m.dispose();
          this.monitors.delete(name);
          this.combine();
        }
      for (const name of names) if (!this.monitors.has(name)) this.add(name);
    } catch (e) {
      this.log(`reading the configured hosts failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!this.disposed) this.hostsTimer = setTimeout(() => void this.syncHosts(), this.opts.hostsMs ?? 5000);
  }

  private add(name: string): void {
    const { hosts, store } = this.engine;
    const m = new HostMonitor(
      {
        name,
        context: () => hosts.get(name),
        config: () => store.read(),
        ...(name === 'local' ? {} : { lastSeen: this.lastSeen }),
        log: this.log,
        noteContact: (e) => hosts.noteContact(name, e),
      },
      this.opts,
    );
    this.monitors.set(name, m);
    m.onDidChangeSessions(() => this.combine());
    m.start();
  }

  private combine(): void {
    if (this.disposed) return;
    const monitors = [...this.monitors.values()];
    const waiting = monitors.some((m) => m.sessions === undefined);
    if (waiting && !this.published.current && Date.now() - this.startedAt < (this.opts.firstListMs ?? 3000))
      return;
    const list = monitors
      .flatMap((m) => m.sessions ?? [])
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const { changed, transitions } = this.published.take(list);
    for (const t of transitions) this.stateEmitter.fire(t);
    if (changed) this.sessionsEmitter.fire(list);
  }

  dispose(): void {
    this.disposed = true;
    if (this.hostsTimer) clearTimeout(this.hostsTimer);
    if (this.firstTimer) clearTimeout(this.firstTimer);
    for (const m of this.monitors.values()) m.dispose();
    this.monitors.clear();
    this.stats.dispose();
    this.sessionsEmitter.dispose();
    this.stateEmitter.dispose();
  }
}
