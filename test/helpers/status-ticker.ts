// Runs the screen-check policy (src/core/status/screen-check.ts) for an engine, the way the host
// monitor does each tick: per host one list-panes; for each pane that needs it, its screen judged;
// a verdict key seen twice in a row wins, and verdictUpdate's options are written to the pane in one
// tmux call. For tests that need hooks corrected by the screen without the whole app running.
// (When the host monitor lands, this can start it instead; the policy is the same four functions.)
import type { Engine } from '../../src/core/engine.ts';
import { mergeProfiles } from '../../src/core/agents/profiles.ts';
import { orchardPanes } from '../../src/core/sessions/list.ts';
import { tmuxLiteral } from '../../src/core/tmux/escape.ts';
import {
  judgeScreen,
  needsScreenCheck,
  verdictKey,
  verdictUpdate,
} from '../../src/core/status/screen-check.ts';

export interface StatusTicker {
  /** Verdicts written so far: pane id → the options of each write, in order. */
  writes: Array<{ pane: string; at: number; options: Record<string, string> }>;
  dispose(): Promise<void>;
}

export function tickStatus(engine: Engine, intervalMs = 400): StatusTicker {
  const seen = new Map<string, string>();
  const writes: StatusTicker['writes'] = [];
  let stopped = false;
  const tick = async () => {
    const profiles = mergeProfiles((await engine.store.read()).profiles);
    for (const name of await engine.hosts.names()) {
      const ctx = await engine.hosts.get(name);
      for (const p of orchardPanes(await ctx.tmux.listPanes())) {
        const profile = profiles.find((x) => x.id === p['@orchard_agent']);
        if (!needsScreenCheck(p, profile, Date.now())) {
          seen.delete(p.pane_id);
          continue;
        }
        const screen = await ctx.tmux.capture(p.pane_id).catch(() => undefined);
        if (screen === undefined) continue;
        const v = judgeScreen(screen, profile ?? { id: 'custom', kind: 'custom' });
        const key = verdictKey(v);
        if (seen.get(p.pane_id) !== key) {
          seen.set(p.pane_id, key);
          continue;
        }
        const options = verdictUpdate(p, profile, v, Date.now());
        if (!options) continue;
        const args: string[] = [];
        for (const [k, val] of Object.entries(options))
          args.push(';', 'set-option', '-p', '-t', p.pane_id, k, tmuxLiteral(val));
        await ctx.tmux.run(args.slice(1));
        writes.push({ pane: p.pane_id, at: Date.now(), options });
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await tick().catch(() => undefined);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    writes,
    async dispose() {
      stopped = true;
      await loop;
    },
  };
}
