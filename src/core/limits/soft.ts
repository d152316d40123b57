// Soft limits, for hosts with neither systemd user scopes nor a writable cgroup: Orchard itself
// watches each limited session and stops the agent's process tree when it goes over its memory
// limit. The host monitor (src/core/status/host-monitor.ts) samples every host that has a
// soft-limited session on its slow tick, whatever view is open, while the app or `orchard web`
// runs. CPU limits cannot be enforced softly and are only reported. The UI says so plainly.
import type { HostContext } from '../hosts/registry.ts';
import type { HostSample } from '../monitor/monitor.ts';
import { decodeLimitsTag } from './spec.ts';

/** Pure: the sessions of a sample that are over a soft memory limit, with the pids to stop. */
export function overSoftLimit(sample: HostSample): { paneId: string; pids: number[] }[] {
  const out: { paneId: string; pids: number[] }[] = [];
  for (const s of sample.sessions) {
    if (s.tag?.backend !== 'soft' || !s.tag.memory || s.usage.rss <= s.tag.memory) continue;
    // Everything under the wrapper (the tree's root): the wrapper stays to record the exit.
    const pids = s.usage.pids.filter((pid) => pid !== Number(s.pane.pane_pid));
    if (pids.length) out.push({ paneId: s.pane.pane_id, pids });
  }
  return out;
}

/** Pure: whether any live pane carries a soft memory limit (then the host must be watched). */
export function hasSoftLimits(panes: readonly { pane_dead: string; '@orchard_limits': string }[]): boolean {
  return panes.some((p) => {
    if (p.pane_dead === '1') return false;
    const tag = decodeLimitsTag(p['@orchard_limits']);
    return tag?.backend === 'soft' && !!tag.memory;
  });
}

/** How the "why" is written to the pane: the monitor's control client when it has one. */
export interface PaneOptionWriter {
  setOptions(updates: readonly { paneId: string; options: Record<string, string> }[]): Promise<void>;
}

export interface SoftLimitResult {
  killed: number;
  /** What went wrong, one line per session: the caller logs it (never swallowed). */
  failures: string[];
}

export async function enforceSoftLimits(
  ctx: HostContext,
  sample: HostSample,
  writer?: PaneOptionWriter,
): Promise<SoftLimitResult> {
  const result: SoftLimitResult = { killed: 0, failures: [] };
  for (const o of overSoftLimit(sample)) {
    try {
      // Say why first: the wrapper records the exit as soon as the agent dies.
      const why = { paneId: o.paneId, options: { '@orchard_killed': 'memory-soft' } };
      if (writer) await writer.setOptions([why]);
      else {
        const r = await ctx.tmux.run(['set-option', '-p', '-t', o.paneId, '@orchard_killed', 'memory-soft']);
        if (r.code !== 0) throw new Error(`tmux set-option failed: ${r.stderr.trim()}`);
      }
      const k = await ctx.host.exec(['kill', '-KILL', ...o.pids.map(String)]);
      // A process that ended meanwhile is not a failure; any other refusal is.
      const refused = k.stderr.split('\n').filter((l) => l.trim() && !/no such process/i.test(l));
      if (k.code !== 0 && refused.length) throw new Error(`kill failed: ${refused.join('; ')}`);
      result.killed++;
    } catch (e) {
      result.failures.push(`pane ${o.paneId}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return result;
}
