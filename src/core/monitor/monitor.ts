// Resource figures for every host and session: per host per tick, one `tmux list-panes -a` (shared
// with the status watcher when it drives the tick) and one process snapshot. Nothing per session.
import {
  LOCAL_HOST,
  type HostStats,
  type RepoConfig,
  type ResourceStats,
  type SessionStats,
} from '../../shared/model.ts';
import type { HostContext, HostRegistry } from '../hosts/registry.ts';
import { decodeLimitsTag, sessionLimits, type LimitsTag } from '../limits/spec.ts';
import { orchardPanes } from '../sessions/list.ts';
import type { PaneRecord } from '../tmux/format.ts';
import type { Disposable } from '../util/lifecycle.ts';
import { hostCpu, treeUsage, type TreeUsage } from './compute.ts';
import { listeningPorts } from './ports.ts';
import { DiskMeter } from './disk.ts';
import { readLocalSnapshot, readScriptSnapshot, type RawSnapshot } from './snapshot.ts';

export interface SessionSample {
  stats: SessionStats;
  pane: PaneRecord;
  tag: LimitsTag | null;
  usage: TreeUsage;
}

export interface HostSample {
  host: HostStats;
  sessions: SessionSample[];
  snapshot: RawSnapshot | null;
}

export function emptyHost(name: string, error: string): HostStats {
  return {
    name,
    cpu: 0,
    cores: 0,
    memory: { total: 0, used: 0, available: 0 },
    swap: { total: 0, used: 0 },
    load: [0, 0, 0],
    disks: [],
    error,
  };
}

/** One snapshot of a host: /proc in-process for this machine, one exec for any other. */
export function takeSnapshot(ctx: HostContext, paths: readonly string[]): Promise<RawSnapshot> {
  return ctx.host.name === LOCAL_HOST ? readLocalSnapshot(paths) : readScriptSnapshot(ctx.host, paths);
}

/** One host's panes, or an error after `ms`: a hung remote host never stalls the others. */
export function listPanesWithin(ctx: HostContext, ms = HOST_TIMEOUT_MS): Promise<PaneRecord[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${ctx.host.name} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([ctx.tmux.listPanes().then(orchardPanes), late]).finally(() => clearTimeout(timer));
}

export const HOST_TIMEOUT_MS = 10_000;

export class ResourceMonitor implements Disposable {
  /** The previous snapshot per host, for CPU deltas. */
  private readonly prev = new Map<string, RawSnapshot>();
  /** Worktree sizes (src/core/monitor/disk.ts): measured at most once a minute per host. */
  readonly disk = new DiskMeter();

  /** Sample one host from panes already listed this tick (orchard panes, one per session). */
  async sampleHost(
    ctx: HostContext,
    panes: readonly PaneRecord[],
    extraPaths: readonly string[] = [],
  ): Promise<HostSample> {
    const name = ctx.host.name;
    const paths = [...new Set([...panes.map((p) => p['@orchard_worktree']).filter(Boolean), ...extraPaths])];
    let snap: RawSnapshot;
    try {
      snap = await takeSnapshot(ctx, paths);
    } catch (e) {
      this.prev.delete(name);
      return {
        host: emptyHost(name, e instanceof Error ? e.message : String(e)),
        sessions: [],
        snapshot: null,
      };
    }
    const prev = this.prev.get(name);
    this.prev.set(name, snap);
    const host: HostStats = {
      name,
      cpu: hostCpu(prev, snap),
      cores: snap.cpu.cores,
      memory: {
        total: snap.mem.total,
        used: snap.mem.total - snap.mem.available,
        available: snap.mem.available,
      },
      swap: { total: snap.mem.swapTotal, used: snap.mem.swapTotal - snap.mem.swapFree },
      load: snap.load,
      disks: snap.disks,
    };
    const sessions = await Promise.all(
      panes.map(async (pane) => {
        const pid = Number(pane.pane_pid);
        const usage =
          pane.pane_dead === '1' ? { cpu: 0, rss: 0, processes: 0, pids: [] } : treeUsage(prev, snap, pid);
        const tag = decodeLimitsTag(pane['@orchard_limits']);
        const stats: SessionStats = {
          id: pane['@orchard_id'],
          host: name,
          cpu: usage.cpu,
          rss: usage.rss,
          processes: usage.processes,
          limits: sessionLimits(tag),
          ports: await listeningPorts(snap, usage.pids),
        };
        return { stats, pane, tag, usage };
      }),
    );
    return { host, sessions, snapshot: snap };
  }

  /** Every host: one list-panes and one snapshot each, hosts in parallel. */
  async sample(hosts: HostRegistry, repos: readonly RepoConfig[]): Promise<ResourceStats> {
    const names = await hosts.names();
    const results = await Promise.all(
      names.map(async (name): Promise<HostSample> => {
        try {
          const ctx = await hosts.get(name);
          const panes = await listPanesWithin(ctx);
          const repoPaths = repos.filter((r) => r.host === name).map((r) => r.path);
          const sample = await this.sampleHost(ctx, panes, repoPaths);
          // A one-shot sample (orchard stats) waits for the sizes; the service's tick does not.
          await this.disk.annotate(ctx, sample.sessions, panes, true).catch(() => undefined);
          return sample;
        } catch (e) {
          return {
            host: emptyHost(name, e instanceof Error ? e.message : String(e)),
            sessions: [],
            snapshot: null,
          };
        }
      }),
    );
    return toResourceStats(results);
  }

  dispose(): void {
    this.prev.clear();
  }
}

export function toResourceStats(samples: readonly HostSample[], at = new Date()): ResourceStats {
  return {
    at: at.toISOString(),
    hosts: samples.map((s) => s.host),
    // Most expensive first: CPU, then memory.
    sessions: samples
      .flatMap((s) => s.sessions.map((x) => x.stats))
      .sort((a, b) => b.cpu - a.cpu || b.rss - a.rss),
  };
}
