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
  /** The command name (comm, at most 15 characters). */
  comm?: string;
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
  return Object.values(entry).every(Number.isFinite) ? { ...entry, comm: line.slice(open + 2, close) } : null;
}

/** A TCP socket in LISTEN state, by its inode. */
export interface Listener {
  address: string;
  port: number;
}

/** "0100007F" (little-endian IPv4) or 32 hex digits (IPv6, four little-endian words) → text. */
function hexAddress(hex: string): string | null {
  if (hex.length === 8) {
    const b = hex.match(/../g)!.map((x) => parseInt(x, 16));
    return b.reverse().join('.');
  }
  if (hex.length !== 32) return null;
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex
      .slice(w * 8, w * 8 + 8)
      .match(/../g)!
      .map((x) => parseInt(x, 16));
    bytes.push(...word.reverse());
  }
  // IPv4-mapped (::ffff:a.b.c.d) reads as the IPv4 address.
  if (bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The longest run of zero groups becomes "::".
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** /proc/net/tcp and tcp6 (any number of them concatenated) → LISTEN sockets by inode. */
export function parseNetTcp(text: string): Map<string, Listener> {
  const out = new Map<string, Listener>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (f.length < 10 || f[3] !== '0A' || !/^\d+:$/.test(f[0]!)) continue;
    const [addrHex, portHex] = f[1]!.split(':');
    const address = addrHex ? hexAddress(addrHex) : null;
    const port = parseInt(portHex ?? '', 16);
    const inode = f[9]!;
    if (address === null || !Number.isFinite(port) || inode === '0') continue;
    out.set(inode, { address, port });
  }
  return out;
}

/** `find /proc/[0-9]*\/fd -lname 'socket:*' -printf '%h %l\n'` → socket inodes per pid. */
export function parseSocketLinks(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const line of text.split('\n')) {
    const m = /^\/proc\/(\d+)\/fd socket:\[(\d+)\]$/.exec(line.trim());
    if (!m) continue;
    const pid = Number(m[1]);
    const list = out.get(pid);
    if (list) list.push(m[2]!);
    else out.set(pid, [m[2]!]);
  }
  return out;
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

/** `head -c N /proc/A/cmdline /proc/B/cmdline | tr '\0' ' '` → the command line per pid. */
export function parseHeadCmdlines(text: string): Map<number, string> {
  const out = new Map<number, string>();
  // head prints "==> /proc/123/cmdline <==" before each file (a lone file gets no header).
  const parts = text.split(/(?:^|\n)==> \/proc\/(\d+)\/cmdline <==\n/);
  for (let i = 1; i + 1 < parts.length; i += 2) out.set(Number(parts[i]), parts[i + 1]!.replace(/\s+$/, ''));
  return out;
}

const INTERPRETERS = /^(node|nodejs|bun|deno|python[\d.]*|ruby|php|perl|java)$/;

/**
 * A short name for a listening process, from its command line: a script run by an interpreter is
 * named by the script ("node …/vite/bin/vite.js dev" → "vite"), else the program's own name.
 */
export function commandLabel(cmdline: string, fallback = ''): string {
  const argv = cmdline.trim().split(/\s+/).filter(Boolean);
  const base = (a: string) => a.slice(a.lastIndexOf('/') + 1);
  if (!argv.length) return fallback;
  const prog = base(argv[0]!);
  const script = argv[1];
  if (INTERPRETERS.test(prog) && script && !script.startsWith('-'))
    return base(script).replace(/\.(m?js|cjs|ts|py|rb)$/, '') || prog;
  return prog || fallback;
}
