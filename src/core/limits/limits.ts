// Limits and admission as engine operations: admission before a spawn, limits at spawn and live,
// and what a host offers (`orchard host info`).
import type { HostInfo } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import { LOCAL_HOST, type AgentProfile, type Preferences, type ResourceLimits } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import type { HostContext } from '../hosts/registry.ts';
import { parseMeminfo } from '../monitor/parse.ts';
import { processTree } from '../monitor/compute.ts';
import { takeSnapshot } from '../monitor/monitor.ts';
import { parseTmuxVersion } from '../tmux/format.ts';
import { collectCgroups, placeSession, updateLimits, type Placement } from './apply.ts';
import { hostLimits } from './probe.ts';
import { describeLimits, formatBytes } from '../../shared/units.ts';
import { decodeLimitsTag, encodeLimitsTag, type LimitsTag } from './spec.ts';
import { readFile } from 'node:fs/promises';
import { DEFAULT_DISK_RESERVE } from '../monitor/disk.ts';

export const DEFAULT_MEMORY_RESERVE = 2 * 1024 ** 3;

/**
 * MemAvailable on a Linux host; null where there is no /proc/meminfo (macOS, BSD): admission is a
 * Linux feature, and a host that cannot say how much memory it has is not refused for it.
 */
export async function availableMemory(ctx: HostContext): Promise<number | null> {
  let text: string;
  if (ctx.host.name === LOCAL_HOST) {
    if (process.platform !== 'linux') return null;
    text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  } else {
    const r = await ctx.host.exec(['cat', '/proc/meminfo']);
    text = r.code === 0 ? r.stdout : '';
  }
  const mem = parseMeminfo(text);
  return mem.total ? mem.available : null;
}

/** Pure: refuse when available memory is below the reserve plus what the agent is expected to take. */
export function admissionError(
  host: string,
  available: number,
  reserve: number,
  profile: Pick<AgentProfile, 'label' | 'expectedMemory'>,
): OrchardError | null {
  const expected = profile.expectedMemory ?? 0;
  if (available >= reserve + expected) return null;
  return new OrchardError(
    'admission-refused',
    `not enough memory on ${host}: ${formatBytes(available)} available, but Orchard keeps ${formatBytes(reserve)} free` +
      (expected ? ` plus ${formatBytes(expected)} for ${profile.label}` : '') +
      ' (use --force to spawn anyway, or lower the memoryReserve preference)',
  );
}

export async function admit(
  ctx: HostContext,
  profile: AgentProfile,
  prefs: Preferences,
  force = false,
): Promise<void> {
  if (force) return;
  const reserve = prefs.memoryReserve ?? DEFAULT_MEMORY_RESERVE;
  const available = await availableMemory(ctx);
  if (available === null) return;
  const err = admissionError(ctx.host.name, available, reserve, profile);
  if (err) throw err;
}

export function hasLimits(l: ResourceLimits | undefined): l is ResourceLimits {
  return !!l && (!!l.memory || !!l.cpu);
}

/** For spawn: the placement (argv prefix, wrapper env, tag) of a new session under `limits`. */
export async function prepareLimits(
  ctx: HostContext,
  id: string,
  limits: ResourceLimits,
): Promise<Placement> {
  const probe = await hostLimits(ctx.host);
  // Leftovers of killed sessions go now, while we are at it: engine.kill does not know cgroups.
  const live = (await ctx.tmux.listPanes()).map((p) => p['@orchard_id']).filter(Boolean);
  await collectCgroups(ctx.host, probe, live);
  return placeSession(ctx.host, probe, id, limits);
}

export { encodeLimitsTag };

/** `orchard limit`: change a running session's limits now. */
export async function setSessionLimits(
  engine: Engine,
  id: string,
  limits: ResourceLimits,
): Promise<LimitsTag> {
  if (!hasLimits(limits)) throw new OrchardError('invalid-argument', 'give --memory and/or --cpu');
  const s = await engine.find(id);
  if (s.state === 'exited') throw new OrchardError('invalid-argument', `session ${id} has exited`);
  const ctx = await engine.hosts.get(s.host);
  const pane = (await ctx.tmux.listPanes()).find((p) => p.pane_id === s.paneId);
  const tag = decodeLimitsTag(pane?.['@orchard_limits'] ?? '');
  const probe = await hostLimits(ctx.host);
  let pids: number[] = [];
  if (s.pid && !tag?.cgroups?.length) pids = processTree(await takeSnapshot(ctx, []), s.pid);
  const next = await updateLimits(ctx.host, probe, id, tag, limits, pids);
  await ctx.tmux.run(['set-option', '-t', `=${s.tmuxSession}:`, '@orchard_limits', encodeLimitsTag(next)]);
  return next;
}

async function toolVersion(ctx: HostContext, argv: string[]): Promise<string | null> {
  try {
    const r = await ctx.host.exec(argv);
    return r.code === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

export async function hostInfo(engine: Engine, name: string): Promise<HostInfo> {
  const ctx = await engine.hosts.get(name);
  const [probe, tmux, git, config] = await Promise.all([
    hostLimits(ctx.host),
    toolVersion(ctx, ['tmux', '-V']),
    toolVersion(ctx, ['git', '--version']),
    engine.store.read(),
  ]);
  const tv = tmux ? parseTmuxVersion(tmux) : null;
  return {
    name,
    limits: { backend: probe.backend, detail: probe.detail },
    tmux: tv ? tmux!.replace(/^tmux\s+/, '') : tmux,
    git: git ? git.replace(/^git version\s+/, '') : null,
    memoryReserve: config.preferences.memoryReserve ?? DEFAULT_MEMORY_RESERVE,
    diskReserve: config.preferences.diskReserve ?? DEFAULT_DISK_RESERVE,
  };
}

export { describeLimits };
