// Limit values as users write them ("4G", "150M", "150%") and as sessions carry them: the
// session-level tmux option @orchard_limits holds JSON, so limits are rediscovered like everything else.
import { OrchardError } from '../../shared/errors.ts';
import type { LimitBackend, ResourceLimits, SessionLimits } from '../../shared/model.ts';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "4G", "150M", "1.5GiB", "512m", "1073741824" → bytes (binary units, as cgroups and systemd use). */
export function parseMemory(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m)
    throw new OrchardError('invalid-argument', `not a memory size: ${JSON.stringify(text)} (try 4G or 512M)`);
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  if (bytes < 16 * 1024 ** 2)
    throw new OrchardError('invalid-argument', `memory limit ${text} is too small (at least 16M)`);
  return bytes;
}

/** "150%" or "150" → 150 (percent of one core). */
export function parseCpu(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const pct = m ? Number(m[1]) : NaN;
  if (!(pct >= 1) || pct > 100_000)
    throw new OrchardError(
      'invalid-argument',
      `not a CPU limit: ${JSON.stringify(text)} (try 150% = 1.5 cores)`,
    );
  return Math.round(pct);
}

/** 157286400 → "150M": the way the user wrote it, for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['T', 1024 ** 4],
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;
    }
  }
  return `${bytes}B`;
}

export function describeLimits(l: ResourceLimits): string {
  const parts: string[] = [];
  if (l.memory) parts.push(`memory ${formatBytes(l.memory)}`);
  if (l.cpu) parts.push(`cpu ${l.cpu}%`);
  return parts.join(', ') || 'none';
}

/** What a session's @orchard_limits says it runs under; also where its cgroups are. */
export interface LimitsTag extends SessionLimits {
  /** cgroup directories that hold the session (cgroup backends). */
  cgroups?: string[];
  /** systemd scope unit (systemd backend). */
  unit?: string;
}

const BACKENDS: readonly LimitBackend[] = ['systemd', 'cgroup2', 'cgroup1', 'soft'];

export function encodeLimitsTag(tag: LimitsTag): string {
  return JSON.stringify(tag);
}

export function decodeLimitsTag(text: string): LimitsTag | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<LimitsTag>;
    if (!v || typeof v !== 'object' || !BACKENDS.includes(v.backend as LimitBackend)) return null;
    const tag: LimitsTag = { backend: v.backend as LimitBackend };
    if (typeof v.memory === 'number' && v.memory > 0) tag.memory = v.memory;
    if (typeof v.cpu === 'number' && v.cpu > 0) tag.cpu = v.cpu;
    if (Array.isArray(v.cgroups)) tag.cgroups = v.cgroups.filter((x) => typeof x === 'string');
    if (typeof v.unit === 'string') tag.unit = v.unit;
    return tag;
  } catch {
    return null;
  }
}

/** The public part of a tag (what `orchard stats` shows). */
export function sessionLimits(tag: LimitsTag | null): SessionLimits | null {
  if (!tag) return null;
  return {
    backend: tag.backend,
    ...(tag.memory ? { memory: tag.memory } : {}),
    ...(tag.cpu ? { cpu: tag.cpu } : {}),
  };
}
