// Resource samples as chart points: the engine keeps its 15-minute history in this shape and the
// dashboard extends the same history with each pushed sample, so both must cut them alike.
import type { ResourceStats, StatsPoint } from './model.ts';

/** A sample, compact: [cpu %, memory used] per reachable host, [cpu %, rss] per session. */
export function toPoint(s: ResourceStats): StatsPoint {
  const p: StatsPoint = { t: Date.parse(s.at), hosts: {}, sessions: {} };
  for (const h of s.hosts) if (!h.error) p.hosts[h.name] = [h.cpu, h.memory.used];
  for (const x of s.sessions) p.sessions[x.id] = [x.cpu, x.rss];
  return p;
}
