// Resource figures for front ends: the `stats` request and the pushed `stats` event. The host
// monitors take the snapshots (one per host, shared with soft-limit enforcement); this service asks
// them every couple of seconds only while someone wants figures (a subscriber, or a `stats`
// request in the last minute), keeps a compact history and aggregates the hosts.
import type { StatsSnapshot } from '../../shared/api.ts';
import type { ResourceStats, StatsPoint } from '../../shared/model.ts';
import { toPoint } from '../../shared/stats.ts';
import { Emitter, toDisposable, type Disposable } from '../util/lifecycle.ts';
import { toResourceStats, type HostSample } from './monitor.ts';

export interface StatsServiceOptions {
  intervalMs?: number;
  /** How much history to keep (default 15 minutes). */
  keepMs?: number;
  /** Keep sampling this long after the last `stats` request without subscribers (default 60 s). */
  lingerMs?: number;
}

/** Where the figures come from: one sampler per host (the host monitors). */
export interface HostSamplers {
  samplers(): Array<{ sample(): Promise<HostSample> }>;
}

export class StatsService implements Disposable {
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
  private readonly source: HostSamplers;

  constructor(source: HostSamplers, opts: StatsServiceOptions = {}) {
    this.source = source;
    this.opts = { intervalMs: 2000, keepMs: 15 * 60_000, lingerMs: 60_000, ...opts };
  }

  /** Whether figures are wanted now (subscribers, or a recent request). */
  get wanted(): boolean {
    return this.holders > 0 || Date.now() - this.lastUse < this.opts.lingerMs;
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
        await new Promise((r) => setTimeout(r, 1100)); // the monitors share a snapshot for 1 s
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
      if (!this.wanted) return;
      void this.sample()
        .then((s) => this.emitter.fire(s))
        .catch((e: unknown) => console.error(`[orchard] stats sample failed: ${String(e)}`))
        .finally(() => this.schedule(this.opts.intervalMs));
    }, ms);
  }

  /** One sample of every host (never two at once). */
  sample(): Promise<ResourceStats> {
    this.running ??= this.doSample().finally(() => (this.running = undefined));
    return this.running;
  }

  private async doSample(): Promise<ResourceStats> {
    const samples = await Promise.all(this.source.samplers().map((m) => m.sample()));
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
  }
}
