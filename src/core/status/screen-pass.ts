// The batched screen check of one host (the policy is screen-check.ts): the panes that need a look
// are captured in one call, judged, and a verdict seen twice in a row is written back to its pane
// (all panes' options in one call). A first read that differs from what the pane says asks for a
// quick second read, so a transition is confirmed within a fraction of a second, not a tick later.
import type { AgentProfile } from '../../shared/model.ts';
import type { PaneRecord } from '../tmux/format.ts';
import type { PaneChannel, PaneOptionsUpdate } from './pane-channel.ts';
import { judgeScreen, needsScreenCheck, verdictKey, verdictUpdate } from './screen-check.ts';

const CUSTOM = { id: 'custom', kind: 'custom' as const };

export interface ScreenPassResult {
  /** How many panes were captured (0: nothing needed a look). */
  checked: number;
  /** Options were written: the pane list is stale. */
  wrote: boolean;
  /** A first read disagreed with its pane: read again soon. */
  recheck: boolean;
}

/** What the pane says now, in verdictKey's terms. */
function paneKey(p: PaneRecord): string {
  const s = p['@orchard_state'];
  return s === 'waiting' ? `waiting:${p['@orchard_reason'] || 'input'}` : s;
}

export class ScreenPass {
  /** The last verdict key per pane: two reads in a row must agree. */
  private readonly last = new Map<string, string>();

  /** When each pane's current state (state, its time stamp, its source) was first seen here. */
  private readonly seen = new Map<string, { key: string; at: number }>();

  needy(panes: readonly PaneRecord[], profiles: readonly AgentProfile[], nowMs: number): PaneRecord[] {
    return panes.filter((p) => needsScreenCheck(p, profileOf(p, profiles), nowMs, this.seenAt(p, nowMs)));
  }

  private seenAt(p: PaneRecord, nowMs: number): number {
    const key = `${p['@orchard_state']}|${p['@orchard_state_at']}|${p['@orchard_state_src']}`;
    const was = this.seen.get(p.pane_id);
    if (was?.key === key) return was.at;
    this.seen.set(p.pane_id, { key, at: nowMs });
    return nowMs;
  }

  async run(
    channel: PaneChannel,
    panes: readonly PaneRecord[],
    profiles: readonly AgentProfile[],
    nowMs: number,
  ): Promise<ScreenPassResult> {
    const targets = this.needy(panes, profiles, nowMs);
    const wanted = new Set(targets.map((p) => p.pane_id));
    for (const id of [...this.last.keys()]) if (!wanted.has(id)) this.last.delete(id);
    const present = new Set(panes.map((p) => p.pane_id));
    for (const id of [...this.seen.keys()]) if (!present.has(id)) this.seen.delete(id);
    if (!targets.length) return { checked: 0, wrote: false, recheck: false };
    const screens = await channel.capture(targets.map((p) => p.pane_id));
    const updates: PaneOptionsUpdate[] = [];
    let recheck = false;
    for (const p of targets) {
      const screen = screens.get(p.pane_id);
      if (screen === undefined) continue;
      const profile = profileOf(p, profiles);
      const v = judgeScreen(screen, profile ?? CUSTOM);
      const key = verdictKey(v);
      const before = this.last.get(p.pane_id);
      this.last.set(p.pane_id, key);
      if (before === key) {
        const options = verdictUpdate(p, profile, v, nowMs);
        if (options) updates.push({ paneId: p.pane_id, options });
      } else if (key !== paneKey(p)) recheck = true;
    }
    if (updates.length) await channel.setOptions(updates);
    return { checked: targets.length, wrote: updates.length > 0, recheck };
  }
}

function profileOf(p: PaneRecord, profiles: readonly AgentProfile[]): AgentProfile | undefined {
  return profiles.find((x) => x.id === p['@orchard_agent']);
}
