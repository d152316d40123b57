// The host monitor's process snapshots (host-monitor.ts): shared with stats, at most one a second,
// soft limits enforced on each (host-sampler.ts). The sessions' listening ports come from them.
import type { ListeningPort, SessionInfo } from '../../shared/model.ts';
import { hasSoftLimits } from '../limits/soft.ts';
import { HostSampler, type SampleInput } from '../monitor/host-sampler.ts';
import type { HostSample } from '../monitor/monitor.ts';
import type { PaneRecord } from '../tmux/format.ts';
import type { Disposable } from '../util/lifecycle.ts';

export interface SnapshotHooks {
  /** What to sample: read when a snapshot is taken. */
  input(): SampleInput;
  /** Soft limits stopped something: the session list changed. */
  killed(): void;
  /** The sessions' listening ports differ from the last snapshot's. */
  portsChanged(): void;
}

export class HostSnapshots implements Disposable {
  private readonly sampler: HostSampler;
  private readonly hooks: SnapshotHooks;
  /** Listening ports per session id, from the latest process snapshot (src/core/monitor/ports.ts). */
  private ports = new Map<string, ListeningPort[]>();
  private portsAt = 0;

  constructor(name: string, log: (m: string) => void, hooks: SnapshotHooks) {
    this.sampler = new HostSampler(name, log);
    this.hooks = hooks;
  }

  /** A snapshot is due: soft limits to enforce, or the ports are older than `portsMs`. */
  due(panes: readonly PaneRecord[], portsMs: number): boolean {
    const portsDue = panes.length > 0 && Date.now() - this.portsAt >= portsMs;
    return hasSoftLimits(panes) || portsDue;
  }

  /** A process snapshot of the host (shared: at most one a second), with soft limits enforced. */
  async sample(): Promise<HostSample> {
    const sample = await this.sampler.sample(
      () => this.hooks.input(),
      () => this.hooks.killed(),
    );
    if (sample.snapshot) {
      this.portsAt = Date.now();
      const ports = new Map(sample.sessions.map((x) => [x.stats.id, x.stats.ports ?? []] as const));
      const key = (m: Map<string, ListeningPort[]>) => JSON.stringify([...m].filter(([, v]) => v.length));
      if (key(ports) !== key(this.ports)) {
        this.ports = ports;
        this.hooks.portsChanged();
      }
    }
    return sample;
  }

  /** Each session's listening ports, as of the latest snapshot, onto the list. */
  annotate(list: SessionInfo[]): void {
    for (const s of list) {
      const ports = this.ports.get(s.id);
      if (ports?.length) s.ports = ports;
    }
  }

  dispose(): void {
    this.sampler.dispose();
  }
}
