// Disk: the size of each worktree Orchard made (a bounded `du -sk` per worktree, all of a host's in
// one exec, at most once a minute per host and again when a setup ends: node_modules lands then),
// and the disk reserve that refuses a spawn about to make a worktree on a nearly full filesystem.
import { OrchardError } from '../../shared/errors.ts';
import type { Preferences } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';
import type { HostContext } from '../hosts/registry.ts';
import { formatBytes } from '../../shared/units.ts';
import type { PaneRecord } from '../tmux/format.ts';

export const DEFAULT_DISK_RESERVE = 5 * 1024 ** 3;
export const DISK_INTERVAL_MS = 60_000;
/** Per worktree: a huge or hung tree (a stale NFS mount) must not hold the exec forever. */
const DU_TIMEOUT_S = 30;

/** One line per path, in order: its size in KiB, or "-" when du could not tell. */
export const DU_SCRIPT = [
  'if command -v timeout >/dev/null 2>&1; then T="timeout ' + DU_TIMEOUT_S + '"; else T=; fi',
  'for p; do s=$($T du -sk -- "$p" 2>/dev/null | tail -n 1 | cut -f 1); printf "%s\\n" "${s:--}"; done',
].join('\n');

export function parseDu(out: string, paths: readonly string[]): Map<string, number> {
  const lines = out.split('\n');
  const sizes = new Map<string, number>();
  paths.forEach((p, i) => {
    const kb = Number(lines[i]);
    if (lines[i] && Number.isFinite(kb)) sizes.set(p, kb * 1024);
  });
  return sizes;
}

/** Sizes in bytes of `paths` on `host`: one exec, whatever their number. */
export async function measureWorktrees(host: Host, paths: readonly string[]): Promise<Map<string, number>> {
  if (!paths.length) return new Map();
  const r = await host.exec(['sh', '-c', DU_SCRIPT, 'orchard-du', ...paths], {
    timeoutMs: (DU_TIMEOUT_S + 5) * 1000 * Math.min(paths.length, 10),
  });
  return parseDu(r.stdout, paths);
}

/** Orchard-made worktrees of live or dead sessions (a main work tree is the user's, and may be huge). */
export function ownedWorktrees(panes: readonly PaneRecord[]): string[] {
  return [
    ...new Set(
      panes
        .filter((p) => p['@orchard_owns_worktree'] === '1' && p['@orchard_worktree'])
        .map((p) => p['@orchard_worktree']),
    ),
  ];
}

interface HostDisk {
  at: number;
  /** Worktrees measured, and those whose setup ran, at that time. */
  key: string;
  sizes: Map<string, number>;
  running?: Promise<Map<string, number>>;
}

/**
 * Per-host cache of worktree sizes. `sizes` answers from the cache and measures again (in the
 * background unless `wait`) when a minute has passed, a worktree appeared, or a setup ended.
 */
export class DiskMeter {
  private readonly hosts = new Map<string, HostDisk>();
  private readonly intervalMs: number;

  constructor(intervalMs = DISK_INTERVAL_MS) {
    this.intervalMs = intervalMs;
  }

  async sizes(ctx: HostContext, panes: readonly PaneRecord[], wait = false): Promise<Map<string, number>> {
    const paths = ownedWorktrees(panes);
    const settling = panes.filter((p) => p['@orchard_setup'] === 'running').map((p) => p['@orchard_id']);
    const key = `${paths.join('\0')}\n${settling.join(',')}`;
    const name = ctx.host.name;
    const cur = this.hosts.get(name);
    const stale = !cur || cur.key !== key || Date.now() - cur.at >= this.intervalMs;
    if (stale && !cur?.running) {
      const entry: HostDisk = cur ?? { at: 0, key, sizes: new Map() };
      entry.running = measureWorktrees(ctx.host, paths)
        .then((sizes) => {
          Object.assign(entry, { at: Date.now(), key, sizes });
          return sizes;
        })
        .finally(() => (entry.running = undefined));
      entry.running.catch(() => undefined);
      this.hosts.set(name, entry);
    }
    const entry = this.hosts.get(name)!;
    if (wait && entry.running) await entry.running.catch(() => undefined);
    return entry.sizes;
  }

  /** Set `disk` on each session's stats from its pane's worktree. */
  async annotate(
    ctx: HostContext,
    sessions: Array<{ stats: { disk?: number }; pane: PaneRecord }>,
    panes: readonly PaneRecord[],
    wait = false,
  ): Promise<void> {
    const sizes = await this.sizes(ctx, panes, wait);
    for (const s of sessions) {
      const size =
        s.pane['@orchard_owns_worktree'] === '1' ? sizes.get(s.pane['@orchard_worktree']) : undefined;
      if (size !== undefined) s.stats.disk = size;
    }
  }
}

/** `df -Pk` of the nearest existing folder at or above `path` (the worktree does not exist yet). */
export const DF_SCRIPT = 'd=$1; while [ ! -e "$d" ]; do d=$(dirname -- "$d"); done; df -Pk -- "$d"';

/** Available bytes and mount point from `df -Pk` output; null when unreadable. */
export function parseDf(out: string): { available: number; mount: string } | null {
  const line = out.trim().split('\n').pop() ?? '';
  const m = /\s(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+(.+)$/.exec(line);
  return m ? { available: Number(m[3]) * 1024, mount: m[4]! } : null;
}

export async function freeSpace(
  host: Host,
  path: string,
): Promise<{ available: number; mount: string } | null> {
  const r = await host.exec(['sh', '-c', DF_SCRIPT, 'orchard-df', path], { timeoutMs: 15_000 });
  return r.code === 0 ? parseDf(r.stdout) : null;
}

/** Pure: refuse a new worktree on a filesystem with less free space than the reserve. */
export function diskAdmissionError(
  host: string,
  path: string,
  free: { available: number; mount: string },
  reserve: number,
): OrchardError | null {
  if (free.available >= reserve) return null;
  return new OrchardError(
    'admission-refused',
    `not enough disk on ${host} for a new worktree at ${path}: ${formatBytes(free.available)} free on ${free.mount}, ` +
      `but Orchard keeps ${formatBytes(reserve)} free (use --force to spawn anyway, or lower the diskReserve preference)`,
  );
}

export async function admitDisk(
  ctx: HostContext,
  path: string,
  prefs: Preferences,
  force = false,
): Promise<void> {
  if (force) return;
  const reserve = prefs.diskReserve ?? DEFAULT_DISK_RESERVE;
  if (reserve <= 0) return;
  // A host whose df we cannot read is not refused for it (as with memory admission).
  const free = await freeSpace(ctx.host, path);
  const err = free && diskAdmissionError(ctx.host.name, path, free, reserve);
  if (err) throw err;
}
