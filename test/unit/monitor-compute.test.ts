import { expect, test } from 'vitest';
import { cpuPercent, hostCpu, processTree, ticksSince, treeUsage } from '../../src/core/monitor/compute.ts';
import type { ProcEntry } from '../../src/core/monitor/parse.ts';
import type { RawSnapshot } from '../../src/core/monitor/snapshot.ts';

function snap(
  atMs: number,
  procs: Array<[number, number, number, number?, number?]>,
  cpu = { total: 0, idle: 0 },
): RawSnapshot {
  const map = new Map<number, ProcEntry>();
  for (const [pid, ppid, ticks, start = 1, rssPages = 10] of procs)
    map.set(pid, { pid, ppid, ticks, start, rssPages });
  return {
    atMs,
    clkTck: 100,
    pageSize: 4096,
    cpu: { ...cpu, cores: 2 },
    mem: { total: 0, available: 0, swapTotal: 0, swapFree: 0 },
    load: [0, 0, 0],
    procs: map,
    disks: [],
  };
}

test('processTree: the root and all descendants, nothing else', () => {
  const s = snap(0, [
    [1, 0, 0],
    [10, 1, 0],
    [11, 10, 0],
    [12, 11, 0],
    [13, 10, 0],
    [20, 1, 0],
  ]);
  expect(processTree(s, 10).sort()).toEqual([10, 11, 12, 13]);
  expect(processTree(s, 99)).toEqual([]);
});

test('CPU % is the change in CPU time between ticks, per process', () => {
  const a = snap(0, [
    [10, 1, 500],
    [11, 10, 1000],
  ]);
  // 2 s later: 10 used 20 ticks (0.2 s), 11 used 300 ticks (3 s: two cores' worth... of its threads).
  const b = snap(2000, [
    [10, 1, 520],
    [11, 10, 1300],
  ]);
  const u = treeUsage(a, b, 10);
  expect(u.cpu).toBe(160); // (20 + 300) ticks / 100 Hz / 2 s
  expect(u.processes).toBe(2);
  expect(u.rss).toBe(2 * 10 * 4096);
  // Not the lifetime average: with no previous tick there is no figure yet.
  expect(treeUsage(undefined, b, 10).cpu).toBe(0);
});

test('a pid that is new, or reused by another process, counts from its start', () => {
  const a = snap(0, [[10, 1, 100, 5]]);
  const b = snap(1000, [
    [10, 1, 30, 900],
    [11, 10, 40, 950],
  ]);
  expect(ticksSince(a, b, 10)).toBe(30); // reused pid: different starttime
  expect(ticksSince(a, b, 11)).toBe(40); // born in between
  expect(ticksSince(a, b, 12)).toBe(0); // gone
  expect(treeUsage(a, b, 10).cpu).toBe(70);
  expect(cpuPercent(50, 100, 0)).toBe(0);
});

test('host CPU: busy share of the interval, in percent of one core', () => {
  const a = snap(0, [], { total: 1000, idle: 800 });
  const b = snap(1000, [], { total: 1200, idle: 900 });
  expect(hostCpu(a, b)).toBe(100); // half of 2 cores busy
  expect(hostCpu(undefined, b)).toBe(0);
});
