// Figures from two snapshots: CPU % is the change in CPU time between ticks (not ps's lifetime
// average), per process, so a process that started in between counts only what it used since.
import type { RawSnapshot } from './snapshot.ts';

export interface TreeUsage {
  /** Percent of one core; 0 without a previous snapshot. */
  cpu: number;
  rss: number;
  processes: number;
  pids: number[];
}

const childrenCache = new WeakMap<RawSnapshot, Map<number, number[]>>();

function childrenOf(snap: RawSnapshot): Map<number, number[]> {
  let map = childrenCache.get(snap);
  if (!map) {
    map = new Map();
    for (const p of snap.procs.values()) {
      const list = map.get(p.ppid);
      if (list) list.push(p.pid);
      else map.set(p.ppid, [p.pid]);
    }
    childrenCache.set(snap, map);
  }
  return map;
}

/** `root` and all its descendants present in the snapshot. */
export function processTree(snap: RawSnapshot, root: number): number[] {
  if (!snap.procs.has(root)) return [];
  const kids = childrenOf(snap);
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    for (const c of kids.get(pid) ?? []) stack.push(c);
  }
  return out;
}

/** CPU ticks a process used since `prev`; a pid new since then (or reused) counts from its start. */
export function ticksSince(prev: RawSnapshot | undefined, cur: RawSnapshot, pid: number): number {
  const now = cur.procs.get(pid);
  if (!now) return 0;
  const before = prev?.procs.get(pid);
  if (before && before.start === now.start) return Math.max(0, now.ticks - before.ticks);
  return now.ticks;
}

export function cpuPercent(ticks: number, clkTck: number, seconds: number): number {
  if (seconds <= 0) return 0;
  return (ticks / clkTck / seconds) * 100;
}

export function treeUsage(prev: RawSnapshot | undefined, cur: RawSnapshot, root: number): TreeUsage {
  const pids = processTree(cur, root);
  let rss = 0;
  let ticks = 0;
  for (const pid of pids) {
    rss += (cur.procs.get(pid)?.rssPages ?? 0) * cur.pageSize;
    ticks += ticksSince(prev, cur, pid);
  }
  const seconds = prev ? (cur.atMs - prev.atMs) / 1000 : 0;
  return {
    cpu: prev ? round1(cpuPercent(ticks, cur.clkTck, seconds)) : 0,
    rss,
    processes: pids.length,
    pids,
  };
}

/** Host CPU busy time between snapshots, in percent of one core (all cores busy = cores × 100). */
export function hostCpu(prev: RawSnapshot | undefined, cur: RawSnapshot): number {
  if (!prev) return 0;
  const total = cur.cpu.total - prev.cpu.total;
  const busy = total - (cur.cpu.idle - prev.cpu.idle);
  if (total <= 0) return 0;
  return round1(Math.max(0, (busy / total) * cur.cpu.cores * 100));
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;
