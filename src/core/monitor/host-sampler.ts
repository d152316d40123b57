// One host's process snapshots for the host monitor: shared by stats and soft-limit enforcement
// (at most one snapshot a second, never two at once), soft limits enforced on every snapshot.
import type { HostContext } from '../hosts/registry.ts';
import { enforceSoftLimits, type PaneOptionWriter } from '../limits/soft.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { emptyHost, ResourceMonitor, type HostSample } from './monitor.ts';

export interface SampleInput {
  /** undefined: the host cannot be asked now (`error` says why). */
  ctx: HostContext | undefined;
  error: string;
  panes: readonly PaneRecord[];
  /** Paths whose filesystems to report (the host's repos). */
  paths: readonly string[];
  writer?: PaneOptionWriter;
}

export class HostSampler {
  private readonly resources = new ResourceMonitor();
  private sampling: Promise<HostSample> | undefined;
  private latest: { at: number; sample: HostSample } | undefined;
  private readonly name: string;
  private readonly log: (m: string) => void;

  constructor(name: string, log: (m: string) => void) {
    this.name = name;
    this.log = log;
  }

  /** A snapshot; `killed` fires when soft limits stopped something (the session list changed). */
  sample(input: () => SampleInput, killed: () => void): Promise<HostSample> {
    if (this.latest && Date.now() - this.latest.at < 1000) return Promise.resolve(this.latest.sample);
    this.sampling ??= this.take(input(), killed).finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async take(i: SampleInput, killed: () => void): Promise<HostSample> {
    if (!i.ctx) return { host: emptyHost(this.name, i.error), sessions: [], snapshot: null };
    const sample = await this.resources.sampleHost(i.ctx, i.panes, i.paths);
    // Worktree sizes from the cache; a measurement, when due, runs in the background (disk.ts).
    await this.resources.disk.annotate(i.ctx, sample.sessions, i.panes).catch(() => undefined);
    this.latest = { at: Date.now(), sample };
    const r = await enforceSoftLimits(i.ctx, sample, i.writer);
    for (const f of r.failures) this.log(`${this.name}: soft memory limit: ${f}`);
    if (r.killed) killed();
    return sample;
  }

  dispose(): void {
    this.resources.dispose();
  }
}
