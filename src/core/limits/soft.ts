// Soft limits, for hosts with neither systemd user scopes nor a writable cgroup: Orchard itself
// watches each limited session (from the monitor's samples) and stops the agent's process tree when
// it goes over its memory limit. Only while something runs the watcher (the app, `orchard web`);
// CPU limits cannot be enforced softly and are only reported. The UI says so plainly.
import type { HostContext } from '../hosts/registry.ts';
import type { HostSample } from '../monitor/monitor.ts';

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

export async function enforceSoftLimits(ctx: HostContext, sample: HostSample): Promise<number> {
  const over = overSoftLimit(sample);
  for (const o of over) {
    // Say why first: the wrapper records the exit as soon as the agent dies.
    await ctx.tmux.run(['set-option', '-p', '-t', o.paneId, '@orchard_killed', 'memory-soft']);
    await ctx.host.exec(['kill', '-KILL', ...o.pids.map(String)]);
  }
  return over.length;
}
