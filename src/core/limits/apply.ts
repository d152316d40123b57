// Putting a session under limits, at spawn and live. cgroup backends: Orchard makes one cgroup per
// session (per hierarchy for v1) and the agent wrapper joins it before exec'ing the agent (see
// AGENT_WRAPPER in src/core/tmux/tmux.ts: the cgroup.procs paths come in through the environment,
// never through the script). systemd: the agent's argv is wrapped in `systemd-run --user --scope`.
// Soft: only the tag; the monitor's watcher stops the tree when it goes over.
import { OrchardError } from '../../shared/errors.ts';
import type { ResourceLimits } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';
import type { LimitProbe } from './probe.ts';
import type { LimitsTag } from './spec.ts';

/**
 * Constant; operations are positional parameters: `mkdir DIR`, `write FILE VALUE` (fails loudly),
 * `try FILE VALUE` (a pid that is gone, a controller already enabled), `rmdir DIR`.
 */
export const CGSET_SCRIPT = [
  'while [ $# -gt 0 ]; do',
  '  case "$1" in',
  '    mkdir) mkdir -p -- "$2" || exit 1; shift 2 ;;',
  '    write) printf "%s\\n" "$3" 2>/dev/null > "$2" || { printf "cannot write %s to %s\\n" "$3" "$2" >&2; exit 1; }; shift 3 ;;',
  '    try) printf "%s\\n" "$3" 2>/dev/null > "$2"; shift 3 ;;',
  '    rmdir) rmdir -- "$2" 2>/dev/null; shift 2 ;;',
  '    *) exit 2 ;;',
  '  esac',
  'done',
].join('\n');

export type CgOp =
  ['mkdir', string] | ['write', string, string] | ['try', string, string] | ['rmdir', string];

export async function runCgOps(host: Host, ops: readonly CgOp[]): Promise<void> {
  if (!ops.length) return;
  const r = await host.exec(['sh', '-c', CGSET_SCRIPT, 'orchard-cgset', ...ops.flat()]);
  if (r.code !== 0)
    throw new OrchardError(
      'command-failed',
      `cannot set limits on ${host.name}: ${r.stderr.trim() || `exit ${r.code}`}`,
    );
}

const PERIOD_US = 100_000;

/** The writes that set `limits` on a session's cgroup dirs (absent limit = unlimited). */
export function limitOps(tag: LimitsTag, limits: ResourceLimits): CgOp[] {
  const dirs = tag.cgroups ?? [];
  const quota = limits.cpu ? Math.round((limits.cpu / 100) * PERIOD_US) : undefined;
  if (tag.backend === 'cgroup2') {
    const d = dirs[0]!;
    return [
      ['write', `${d}/memory.max`, limits.memory ? String(limits.memory) : 'max'],
      ['write', `${d}/cpu.max`, `${quota ?? 'max'} ${PERIOD_US}`],
      // No swap escape hatch for a limited agent; absent on hosts without swap accounting.
      ['try', `${d}/memory.swap.max`, limits.memory ? '0' : 'max'],
    ];
  }
  const [mem, cpu] = dirs;
  return [
    ['write', `${mem}/memory.limit_in_bytes`, limits.memory ? String(limits.memory) : '-1'],
    ['try', `${mem}/memory.swappiness`, '0'],
    ['write', `${cpu}/cpu.cfs_period_us`, String(PERIOD_US)],
    ['write', `${cpu}/cpu.cfs_quota_us`, quota ? String(quota) : '-1'],
  ];
}

/** The session's cgroup dirs under the probed bases. */
export function cgroupDirs(probe: LimitProbe, id: string): string[] {
  if (probe.backend === 'cgroup2') return [`${probe.unified}/${id}`];
  if (probe.backend === 'cgroup1') return [`${probe.memory}/${id}`, `${probe.cpu}/${id}`];
  return [];
}

function createOps(probe: LimitProbe, dirs: string[]): CgOp[] {
  const ops: CgOp[] = [];
  if (probe.backend === 'cgroup2') {
    const base = probe.unified!;
    const parent = base.slice(0, base.lastIndexOf('/'));
    ops.push(['try', `${parent}/cgroup.subtree_control`, '+memory +cpu']);
    ops.push(['mkdir', base], ['try', `${base}/cgroup.subtree_control`, '+memory +cpu']);
  }
  for (const d of dirs) ops.push(['mkdir', d]);
  return ops;
}

export interface Placement {
  /** Prepended to the agent's argv (systemd-run). */
  argvPrefix: string[];
  /** For the agent wrapper: which cgroup.procs files to join, where the OOM counter is. */
  env: Record<string, string>;
  tag: LimitsTag;
  /** Undo, when the spawn fails later. */
  undo(): Promise<void>;
}

function systemdProps(limits: ResourceLimits): string[] {
  return [`MemoryMax=${limits.memory ?? 'infinity'}`, `CPUQuota=${limits.cpu ? `${limits.cpu}%` : ''}`];
}

export function oomFile(tag: LimitsTag): string | undefined {
  const mem = tag.cgroups?.[0];
  if (!mem) return undefined;
  return tag.backend === 'cgroup2' ? `${mem}/memory.events` : `${mem}/memory.oom_control`;
}

/** Prepare a new session's limits before its tmux session starts. */
export async function placeSession(
  host: Host,
  probe: LimitProbe,
  id: string,
  limits: ResourceLimits,
): Promise<Placement> {
  const base = {
    ...(limits.memory ? { memory: limits.memory } : {}),
    ...(limits.cpu ? { cpu: limits.cpu } : {}),
  };
  if (probe.backend === 'systemd') {
    const unit = `orchard-${id}`;
    const argvPrefix = ['systemd-run', '--user', '--scope', '--quiet', `--unit=${unit}`];
    for (const p of systemdProps(limits)) argvPrefix.push('-p', p);
    argvPrefix.push('--');
    return { argvPrefix, env: {}, tag: { backend: 'systemd', ...base, unit }, undo: async () => {} };
  }
  if (probe.backend === 'soft')
    return { argvPrefix: [], env: {}, tag: { backend: 'soft', ...base }, undo: async () => {} };
  const dirs = cgroupDirs(probe, id);
  const tag: LimitsTag = { backend: probe.backend, ...base, cgroups: dirs };
  await runCgOps(host, [...createOps(probe, dirs), ...limitOps(tag, limits)]);
  return {
    argvPrefix: [],
    env: {
      ORCHARD_CGROUP_PROCS: dirs.map((d) => `${d}/cgroup.procs`).join('\n'),
      ORCHARD_OOM_FILE: oomFile(tag)!,
    },
    tag,
    undo: () =>
      runCgOps(
        host,
        dirs.map((d): CgOp => ['rmdir', d]),
      ),
  };
}

/**
 * Change a running session's limits. A session started without a cgroup gets one and its process
 * tree (`pids`) is moved in; one started without a systemd scope can only get soft limits.
 */
export async function updateLimits(
  host: Host,
  probe: LimitProbe,
  id: string,
  tag: LimitsTag | null,
  limits: ResourceLimits,
  pids: readonly number[],
): Promise<LimitsTag> {
  const merged: ResourceLimits = { memory: limits.memory ?? tag?.memory, cpu: limits.cpu ?? tag?.cpu };
  const clean = {
    ...(merged.memory ? { memory: merged.memory } : {}),
    ...(merged.cpu ? { cpu: merged.cpu } : {}),
  };
  if (tag?.backend === 'systemd' && tag.unit) {
    const r = await host.exec([
      'systemctl',
      '--user',
      'set-property',
      '--runtime',
      `${tag.unit}.scope`,
      ...systemdProps(merged),
    ]);
    if (r.code !== 0)
      throw new OrchardError('command-failed', `systemctl set-property failed: ${r.stderr.trim()}`);
    return { ...tag, ...clean, memory: clean.memory, cpu: clean.cpu };
  }
  if (tag?.cgroups?.length && (tag.backend === 'cgroup1' || tag.backend === 'cgroup2')) {
    const next: LimitsTag = { backend: tag.backend, ...clean, cgroups: tag.cgroups };
    await runCgOps(host, limitOps(next, merged));
    return next;
  }
  if (probe.backend === 'cgroup1' || probe.backend === 'cgroup2') {
    const dirs = cgroupDirs(probe, id);
    const next: LimitsTag = { backend: probe.backend, ...clean, cgroups: dirs };
    const moves = dirs.flatMap((d) => pids.map((pid): CgOp => ['try', `${d}/cgroup.procs`, String(pid)]));
    await runCgOps(host, [...createOps(probe, dirs), ...limitOps(next, merged), ...moves]);
    return next;
  }
  return { backend: 'soft', ...clean };
}

/** Remove a gone session's (empty) cgroups; the kernel refuses while processes remain. */
export async function removeCgroups(host: Host, tag: LimitsTag | null): Promise<void> {
  if (tag?.cgroups?.length)
    await runCgOps(
      host,
      tag.cgroups.map((d): CgOp => ['rmdir', d]),
    ).catch(() => undefined);
}

/**
 * Constant: remove the empty cgroups of sessions that no longer exist. $1 is a base directory, the
 * rest are the ids of live sessions. A dir younger than a minute is left alone (a spawn under way
 * made it and has not started its session yet); the kernel refuses to remove one with processes.
 */
export const GC_SCRIPT = [
  'base=$1; shift',
  'for d in "$base"/*/; do',
  '  [ -d "$d" ] || continue',
  '  id=${d%/}; id=${id##*/}; keep=0',
  '  for k; do [ "$k" = "$id" ] && keep=1; done',
  '  [ $keep = 1 ] && continue',
  '  [ -n "$(find "$d" -maxdepth 0 -mmin +1 2>/dev/null)" ] && rmdir -- "$d" 2>/dev/null',
  'done',
  'exit 0',
].join('\n');

export function probeBases(probe: LimitProbe): string[] {
  if (probe.backend === 'cgroup2') return [probe.unified!];
  if (probe.backend === 'cgroup1') return [probe.memory!, probe.cpu!];
  return [];
}

/** Remove the leftover cgroups of killed sessions under the probed bases. */
export async function collectCgroups(
  host: Host,
  probe: LimitProbe,
  liveIds: readonly string[],
): Promise<void> {
  for (const base of probeBases(probe))
    await host.exec(['sh', '-c', GC_SCRIPT, 'orchard-cgroup-gc', base, ...liveIds]).catch(() => undefined);
}
