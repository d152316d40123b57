// Limit values as users write them ("4G", "150M", "150%") and as sessions carry them: the
// session-level tmux option @orchard_limits holds JSON, so limits are rediscovered like everything else.
// Parsing and printing the values themselves: src/shared/units.ts (the window uses it too).
import type { LimitBackend, SessionLimits } from '../../shared/model.ts';

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
