// One process snapshot per host per tick. Locally /proc is read directly (no process is forked);
// a remote host runs ONE fixed sh script through the Host port that prints everything at once.
// Cost per tick: local = one readdir of /proc + one small read per process (a few hundred reads,
// well under 10 ms for 50 sessions); remote = one exec over the existing SSH connection.
import { readdir, readFile, readlink, stat, statfs } from 'node:fs/promises';
import type { DiskStats } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';
import {
  parseDf,
  parseLoadavg,
  parseMeminfo,
  parseNetTcp,
  parsePidStat,
  parseHeadCmdlines,
  parseSocketLinks,
  parseProcStat,
  splitSections,
  type CpuTimes,
  type Listener,
  type MemInfo,
  type ProcEntry,
} from './parse.ts';

export interface RawSnapshot {
  atMs: number;
  clkTck: number;
  pageSize: number;
  cpu: CpuTimes;
  mem: MemInfo;
  load: [number, number, number];
  procs: Map<number, ProcEntry>;
  disks: DiskStats[];
  /** TCP sockets in LISTEN state (IPv4 and IPv6), by inode. */
  listeners?: Map<string, Listener>;
  /** Socket inodes per pid, when the snapshot carries them (remote); locally read on demand. */
  sockets?: Map<number, string[]>;
  /** Command lines (argv joined by spaces) of the processes holding sockets (remote). */
  cmdlines?: Map<number, string>;
}

/**
 * The remote snapshot: a constant script; the paths whose filesystems to report are positional
 * parameters (quoted by the Host port), never part of the script. `read` is a shell builtin, so the
 * per-process loop forks nothing.
 */
export const SNAPSHOT_SCRIPT = [
  'LC_ALL=C; export LC_ALL',
  'echo "@clk $(getconf CLK_TCK 2>/dev/null || echo 100)"',
  'echo "@page $(getconf PAGESIZE 2>/dev/null || echo 4096)"',
  'echo @stat; grep "^cpu" /proc/stat',
  'echo @meminfo; cat /proc/meminfo',
  'echo @loadavg; cat /proc/loadavg',
  'echo @procs',
  'for d in /proc/[0-9]*; do read -r l < "$d/stat" && printf "%s\\n" "$l"; done 2>/dev/null',
  'echo @df',
  'if [ $# -gt 0 ]; then df -P -k -- "$@" 2>/dev/null; fi',
  // Listening ports (src/core/monitor/ports.ts): the LISTEN sockets, which processes hold them (one
  // find for all processes, filtered to those sockets) and those processes' command lines (one
  // head for all), only when something listens at all.
  'echo @net',
  String.raw`l=$(awk '$4=="0A"' /proc/net/tcp /proc/net/tcp6 2>/dev/null); [ -z "$l" ] || printf '%s\n' "$l"`,
  'echo @sockets',
  'if [ -n "$l" ]; then',
  String.raw`  s=$(find /proc/[0-9]*/fd -lname 'socket:*' -printf '%h %l\n' 2>/dev/null | L="$l" awk 'BEGIN { n = split(ENVIRON["L"], a, "\n"); for (i = 1; i <= n; i++) { split(a[i], f, " "); w["socket:[" f[10] "]"] = 1 } } $2 in w')`,
  String.raw`  [ -z "$s" ] || printf '%s\n' "$s"`,
  '  echo @cmdlines',
  String.raw`  set -- $(printf '%s\n' "$s" | sed -n 's|^\(/proc/[0-9]*\)/fd .*|\1/cmdline|p' | sort -u)`,
  String.raw`  if [ $# -gt 0 ]; then head -c 300 -- /dev/null "$@" 2>/dev/null | tr '\0' ' ' | sed 's/^@/ @/'; echo; fi`,
  'fi',
  'echo @end',
].join('\n');

export function parseSnapshotOutput(out: string, atMs: number): RawSnapshot {
  const s = splitSections(out);
  if (!s.has('end') || !s.get('meminfo'))
    throw new Error('the host gave no process snapshot (is it Linux with /proc?)');
  const procs = new Map<number, ProcEntry>();
  for (const line of (s.get('procs') ?? '').split('\n')) {
    const p = parsePidStat(line);
    if (p) procs.set(p.pid, p);
  }
  const num = (k: string, d: number) => {
    const v = Number((s.get(k) ?? '').trim());
    return Number.isFinite(v) && v > 0 ? v : d;
  };
  return {
    atMs,
    clkTck: num('clk', 100),
    pageSize: num('page', 4096),
    cpu: parseProcStat(s.get('stat') ?? ''),
    mem: parseMeminfo(s.get('meminfo') ?? ''),
    load: parseLoadavg(s.get('loadavg') ?? ''),
    procs,
    disks: parseDf(s.get('df') ?? ''),
    listeners: parseNetTcp(s.get('net') ?? ''),
    sockets: parseSocketLinks(s.get('sockets') ?? ''),
    cmdlines: parseHeadCmdlines(s.get('cmdlines') ?? ''),
  };
}

export async function readScriptSnapshot(host: Host, paths: readonly string[]): Promise<RawSnapshot> {
  const r = await host.exec(['sh', '-c', SNAPSHOT_SCRIPT, 'orchard-snapshot', ...paths], {
    timeoutMs: 15_000,
  });
  return parseSnapshotOutput(r.stdout, Date.now());
}

// --- local: /proc read in-process ---------------------------------------------------------------

let localPageSize: number | undefined;

/** No getconf without a fork: compare our own VmRSS (kB) with statm's resident pages. */
async function pageSize(): Promise<number> {
  if (localPageSize) return localPageSize;
  try {
    const [status, statm] = await Promise.all([
      readFile('/proc/self/status', 'utf8'),
      readFile('/proc/self/statm', 'utf8'),
    ]);
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    const pages = Number(statm.split(' ')[1]);
    const ratio = (kb * 1024) / pages;
    localPageSize = 2 ** Math.round(Math.log2(ratio));
    if (!Number.isFinite(localPageSize) || localPageSize < 4096) localPageSize = 4096;
  } catch {
    localPageSize = 4096;
  }
  return localPageSize;
}

async function readProcs(): Promise<Map<number, ProcEntry>> {
  const names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const procs = new Map<number, ProcEntry>();
  await Promise.all(
    names.map(async (n) => {
      try {
        const p = parsePidStat(await readFile(`/proc/${n}/stat`, 'utf8'));
        if (p) procs.set(p.pid, p);
      } catch {
        // The process exited between readdir and read.
      }
    }),
  );
  return procs;
}

/** Longest mount point that contains `path`, from /proc/self/mounts (octal escapes decoded). */
function mountOf(path: string, mounts: string[]): string {
  let best = '/';
  for (const m of mounts)
    if ((path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`)) && m.length > best.length) best = m;
  return best;
}

async function localDisks(paths: readonly string[]): Promise<DiskStats[]> {
  if (!paths.length) return [];
  const mounts = (await readFile('/proc/self/mounts', 'utf8').catch(() => ''))
    .split('\n')
    .map((l) =>
      (l.split(' ')[1] ?? '').replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
    )
    .filter(Boolean);
  const byDev = new Map<number, DiskStats>();
  for (const p of paths) {
    try {
      const dev = (await stat(p)).dev;
      if (byDev.has(dev)) continue;
      const f = await statfs(p);
      byDev.set(dev, {
        mount: mountOf(p, mounts),
        total: f.blocks * f.bsize,
        used: (f.blocks - f.bfree) * f.bsize,
        available: f.bavail * f.bsize,
      });
    } catch {
      // A worktree that is gone has no filesystem to report.
    }
  }
  return [...byDev.values()];
}

const readOrEmpty = (path: string) => readFile(path, 'utf8').catch(() => '');

/** Socket inodes held by these processes (local): one readdir + readlinks per pid asked about. */
export async function localSocketLinks(pids: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  await Promise.all(
    pids.map(async (pid) => {
      const dir = `/proc/${pid}/fd`;
      const fds = await readdir(dir).catch(() => [] as string[]);
      const links = await Promise.all(fds.map((fd) => readlink(`${dir}/${fd}`).catch(() => '')));
      const inodes = links.flatMap((l) => /^socket:\[(\d+)\]$/.exec(l)?.[1] ?? []);
      if (inodes.length) out.set(pid, inodes);
    }),
  );
  return out;
}

export async function readLocalSnapshot(paths: readonly string[]): Promise<RawSnapshot> {
  const [stat, meminfo, loadavg, procs, disks, page, tcp, tcp6] = await Promise.all([
    readFile('/proc/stat', 'utf8'),
    readFile('/proc/meminfo', 'utf8'),
    readFile('/proc/loadavg', 'utf8'),
    readProcs(),
    localDisks(paths),
    pageSize(),
    readOrEmpty('/proc/net/tcp'),
    readOrEmpty('/proc/net/tcp6'),
  ]);
  return {
    atMs: Date.now(),
    // USER_HZ is 100 on every mainstream Linux architecture; there is no getconf without a fork.
    clkTck: 100,
    pageSize: page,
    cpu: parseProcStat(stat),
    mem: parseMeminfo(meminfo),
    load: parseLoadavg(loadavg),
    procs,
    disks,
    listeners: parseNetTcp(`${tcp}\n${tcp6}`),
  };
}
