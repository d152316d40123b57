// The dashboard's data: the last 15 minutes of samples (from the `stats` request's history, then
// one point per pushed `stats` event), turned into aligned series for the charts. Pure.
import type { StatsSnapshot } from '../../../shared/api.ts';
import type { HostStats, SessionStats, StatsPoint } from '../../../shared/model.ts';
import { toPoint } from '../../../shared/stats.ts';

export const KEEP_MS = 15 * 60_000;

/** Append (or start from the server's history), oldest first, nothing older than KEEP_MS. */
export function addPoint(points: readonly StatsPoint[], s: StatsSnapshot, keepMs = KEEP_MS): StatsPoint[] {
  const base = s.history?.length ? s.history : points;
  const p = toPoint(s);
  const next = base.length && base[base.length - 1]!.t >= p.t ? [...base] : [...base, p];
  const cutoff = p.t - keepMs;
  let i = 0;
  while (i < next.length && next[i]!.t < cutoff) i++;
  return i ? next.slice(i) : next;
}

export interface Series {
  /** Seconds (uPlot's x unit). */
  t: number[];
  cpu: (number | null)[];
  mem: (number | null)[];
}

export function hostSeries(points: readonly StatsPoint[], name: string, total: number): Series {
  const s: Series = { t: [], cpu: [], mem: [] };
  for (const p of points) {
    const v = p.hosts[name];
    s.t.push(p.t / 1000);
    s.cpu.push(v ? v[0] : null);
    // Memory as a percentage of the host's total, so CPU and memory share one 0-100 axis.
    s.mem.push(v && total ? Math.round((v[1] / total) * 1000) / 10 : null);
  }
  return s;
}

export function sessionSeries(points: readonly StatsPoint[], id: string): Series {
  const s: Series = { t: [], cpu: [], mem: [] };
  for (const p of points) {
    const v = p.sessions[id];
    s.t.push(p.t / 1000);
    s.cpu.push(v ? v[0] : null);
    s.mem.push(v ? v[1] : null);
  }
  return s;
}

/** Most expensive first: CPU, then memory (the same order as `orchard stats`). */
export function byCost(a: SessionStats, b: SessionStats): number {
  return b.cpu - a.cpu || b.rss - a.rss || a.id.localeCompare(b.id);
}

export function hostCores(h: HostStats): number {
  return Math.max(1, h.cores);
}
