// Pure parsers for Linux /proc files and `df -P`, and for the one remote snapshot script's output.
// Shared by the local reader (files read directly) and the remote one (one exec per tick).
import type { DiskStats } from '../../shared/model.ts';

export interface ProcEntry {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** starttime, clock ticks after boot: tells a reused pid from the one seen before. */
  start: number;
  /** Resident pages. */
  rssPages: number;
}

/** One line of /proc/<pid>/stat. comm (in parentheses) may hold spaces and ')', so cut at the last ')'. */
export function parsePidStat(line: string): ProcEntry | null {
  const open = line.indexOf(' (');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(line.slice(0, open));
  // Fields from 3 (state) on; field N is rest[N - 3].
  const rest = line.slice(close + 2).split(' ');
  if (rest.length < 22) return null;
  const n = (i: number) => Number(rest[i]);
  const entry = {
    pid,
    ppid: n(1),
    ticks: n(11) + n(12),
    start: n(19),
    rssPages: n(21),
  };
  return Object.values(entry).every(Number.isFinite) ? entry : null;
}

export interface MemInfo {
  total: number;
  available: number;
  swapTotal: number;
  swapFree: number;
}

/** /proc/meminfo → bytes. MemAvailable is missing before Linux 3.14: free + buffers + cached then. */
export function parseMeminfo(text: string): MemInfo {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]) * 1024);
  }
  const get = (k: string) => kb.get(k) ?? 0;
  const available = kb.has('MemAvailable')
    ? get('MemAvailable')
    : get('MemFree') + get('Buffers') + get('Cached');
  return { total: get('MemTotal'), available, swapTotal: get('SwapTotal'), swapFree: get('SwapFree') };
}

export function parseLoadavg(text: string): [number, number, number] {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  return [a ?? 0, b ?? 0, c ?? 0].map((x) => (Number.isFinite(x) ? x : 0)) as [number, number, number];
}

export interface CpuTimes {
  /** All jiffies (user..steal). */
  total: number;
  /** idle + iowait. */
  idle: number;
  cores: number;
}

/** The `cpu` lines of /proc/stat: the aggregate line and one per core. */
export function parseProcStat(text: string): CpuTimes {
  let total = 0;
  let idle = 0;
  let cores = 0;
  for (const line of text.split('\n')) {
    if (/^cpu\d+\s/.test(line)) cores++;
    else if (/^cpu\s/.test(line)) {
      // user nice system idle iowait irq softirq steal (guest is already counted in user).
      const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
      total = v.reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0);
      idle = (v[3] ?? 0) + (v[4] ?? 0);
    }
  }
  return { total, idle, cores: Math.max(cores, 1) };
}

/** `df -P -k` (POSIX format): sizes in KiB; one entry per mount point. */
export function parseDf(text: string): DiskStats[] {
  const out: DiskStats[] = [];
  for (const line of text.split('\n').slice(1)) {
    const m = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(?:\d+%|-)\s+(\/.*)$/.exec(line);
    if (!m) continue;
    const mount = m[5]!;
    if (out.some((d) => d.mount === mount)) continue;
    out.push({
      mount,
      total: Number(m[2]) * 1024,
      used: Number(m[3]) * 1024,
      available: Number(m[4]) * 1024,
    });
  }
  return out;
}

/** The remote snapshot script's output, split into its `@name` sections. */
export function splitSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name = '';
  let lines: string[] = [];
  const flush = () => {
    if (name) sections.set(name, lines.join('\n'));
  };
  for (const line of text.split('\n')) {
    const m = /^@(\w+)(?: (.*))?$/.exec(line);
    if (m) {
      flush();
      name = m[1]!;
      lines = m[2] !== undefined ? [m[2]] : [];
    } else lines.push(line);
  }
  flush();
  return sections;
}
