// Resource sampling for front ends: samples every few seconds while a client listens (and for a
// while after the last request, so the dashboard opens with its charts already full), keeps a
// compact history, enforces soft limits, and answers the `stats` request. Cost per tick: one
// `tmux list-panes` and one process snapshot per host (no fork locally), whatever the sessions.
import type { StatsSnapshot } from '../../shared/api.ts';
import type { ResourceStats, StatsPoint } from '../../shared/model.ts';
import { toPoint } from '../../shared/stats.ts';
import type { HostRegistry } from '../hosts/registry.ts';
import { enforceSoftLimits } from '../limits/soft.ts';
import type { Store } from '../store/store.ts';
import { Emitter, toDisposable, type Disposable } from '../util/lifecycle.ts';
import { emptyHost, listPanesWithin, ResourceMonitor, toResourceStats, type HostSample } from './monitor.ts';

export interface StatsServiceOptions {
  intervalMs?: number;
  /** How much history to keep (default 15 minutes). */
  keepMs?: number;
  /** Keep sampling this long after the last request without subscribers (default = keepMs). */
  lingerMs?: number;
}

export class StatsService implements Disposable {
  private readonly monitor = new ResourceMonitor();
  private readonly emitter = new Emitter<StatsSnapshot>();
  readonly onDidSample = this.emitter.event;
  private readonly points: StatsPoint[] = [];
  private latest: ResourceStats | undefined;
  private holders = 0;
  private lastUse = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<ResourceStats> | undefined;
  private disposed = false;
  private readonly opts: Required<StatsServiceOptions>;
  private readonly engine: { store: Store; hosts: HostRegistry };

  constructor(engine: { store: Store; hosts: HostRegistry }, opts: StatsServiceOptions = {}) {
    this.engine = engine;
    const keepMs = opts.keepMs ?? 15 * 60_000;
    this.opts = { intervalMs: 2000, keepMs, lingerMs: keepMs, ...opts };
  }

  /** Sample periodically while the returned disposable lives. */
  retain(): Disposable {
    this.holders++;
    this.lastUse = Date.now();
    this.schedule(0);
    return toDisposable(() => {
      this.holders--;
      this.lastUse = Date.now();
    });
  }

  /** The latest figures with history; samples twice (CPU needs a delta) when there is none yet. */
  async current(): Promise<StatsSnapshot> {
    this.lastUse = Date.now();
    const fresh = this.latest && Date.now() - Date.parse(this.latest.at) < 2 * this.opts.intervalMs;
    if (!fresh) {
      if (!this.latest) {
        await this.sample();
        await new Promise((r) => setTimeout(r, 500));
      }
      await this.sample();
    }
    this.schedule(this.opts.intervalMs);
    return { ...this.latest!, history: [...this.points] };
  }

  private schedule(ms: number): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.holders === 0 && Date.now() - this.lastUse > this.opts.lingerMs) return;
      void this.sample()
        .then((s) => this.emitter.fire(s))
        .catch(() => undefined)
        .finally(() => this.schedule(this.opts.intervalMs));
    }, ms);
  }

  /** One sample of every host (never two at once). */
  sample(): Promise<ResourceStats> {
    this.running ??= this.doSample().finally(() => (this.running = undefined));
    return this.running;
  }

  private async doSample(): Promise<ResourceStats> {
    const { hosts, store } = this.engine;
    const repos = (await store.read()).repos;
    const names = await hosts.names();
    const samples = await Promise.all(
      names.map(async (name): Promise<HostSample> => {
        try {
          const ctx = await hosts.get(name);
          const panes = await listPanesWithin(ctx);
          const paths = repos.filter((r) => r.host === name).map((r) => r.path);
          const sample = await this.monitor.sampleHost(ctx, panes, paths);
          // Worktree sizes from the cache; a measurement, when due, runs in the background.
          await this.monitor.disk.annotate(ctx, sample.sessions, panes).catch(() => undefined);
          await enforceSoftLimits(ctx, sample).catch(() => undefined);
          return sample;
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          return { host: emptyHost(name, error), sessions: [], snapshot: null };
        }
      }),
    );
    const stats = toResourceStats(samples);
    this.latest = stats;
    this.points.push(toPoint(stats));
    const cutoff = Date.now() - this.opts.keepMs;
    while (this.points.length && this.points[0]!.t < cutoff) this.points.shift();
    return stats;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.emitter.dispose();
    this.monitor.dispose();
  }
}

/**
 * Plug the service into a router: the `stats` request, and `stats` events pushed to subscribers
 * while any are connected. Duck-typed so monitor does not depend on the router.
 */
export function connectStats(
  router: {
    handlerContext: { stats?: () => Promise<StatsSnapshot> };
    onDidChangeSubscribers: (l: (e: string) => void) => Disposable;
    subscriberCount(e: 'stats'): number;
    broadcast(e: 'stats', p: StatsSnapshot): void;
  },
  service: StatsService,
): Disposable {
  router.handlerContext.stats = () => service.current();
  let held: Disposable | undefined;
  const subs = router.onDidChangeSubscribers((e) => {
    if (e !== 'stats') return;
    const n = router.subscriberCount('stats');
    if (n > 0 && !held) held = service.retain();
    if (n === 0 && held) {
      held.dispose();
      held = undefined;
    }
  });
  const pushes = service.onDidSample((s) => router.broadcast('stats', s));
  return toDisposable(() => {
    subs.dispose();
    pushes.dispose();
    held?.dispose();
    service.dispose();
  });
}
