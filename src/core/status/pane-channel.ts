// How a host monitor talks to its tmux server: through its control-mode client (no process per
// command), or, where control mode is unavailable, one `tmux` exec per call. Both give the same
// three batched operations, so the monitor's policy does not care which one it has.
import { randomBytes } from 'node:crypto';
import type { HostContext } from '../hosts/registry.ts';
import { listPanesWithin } from '../monitor/monitor.ts';
import { orchardPanes } from '../sessions/list.ts';
import type { ControlClient } from '../tmux/control.ts';
import { tmuxLiteral } from '../tmux/escape.ts';
import { PANE_FORMAT, parsePanes, type PaneRecord } from '../tmux/format.ts';

export interface PaneOptionsUpdate {
  paneId: string;
  options: Record<string, string>;
}

export interface PaneChannel {
  /** Orchard's panes (one per session). */
  listPanes(): Promise<PaneRecord[]>;
  /** The visible screens of several panes at once; a pane that vanished is left out. */
  capture(paneIds: readonly string[]): Promise<Map<string, string>>;
  /** Pane options for several panes in one call; each pane's options are set together. */
  setOptions(updates: readonly PaneOptionsUpdate[]): Promise<void>;
}

export function controlChannel(client: ControlClient): PaneChannel {
  return {
    async listPanes() {
      const lines = await client.command(['list-panes', '-a', '-F', PANE_FORMAT]);
      return orchardPanes(parsePanes(lines.join('\n')));
    },
    async capture(paneIds) {
      // One line per pane, all in one write: a vanished pane fails only its own line.
      const replies = await client.runMany(paneIds.map((id) => [['capture-pane', '-p', '-t', id]]));
      const out = new Map<string, string>();
      paneIds.forEach((id, i) => {
        const r = replies[i]?.[0];
        if (r?.ok) out.set(id, r.lines.map((l) => `${l}\n`).join(''));
      });
      return out;
    },
    async setOptions(updates) {
      const lines = updates.map((u) =>
        Object.entries(u.options).map(([k, v]) => ['set-option', '-p', '-t', u.paneId, k, v]),
      );
      const replies = await client.runMany(lines.filter((l) => l.length));
      const failed = replies.flat().filter((r) => !r.ok);
      if (failed.length) throw new Error(`tmux set-option failed: ${failed[0]!.lines.join(' ')}`);
    },
  };
}

export function execChannel(ctx: HostContext): PaneChannel {
  return {
    listPanes: () => listPanesWithin(ctx),
    capture: (paneIds) => captureMany(ctx, paneIds),
    async setOptions(updates) {
      const args: string[] = [];
      for (const u of updates)
        for (const [k, v] of Object.entries(u.options))
          args.push(';', 'set-option', '-p', '-t', u.paneId, k, tmuxLiteral(v));
      if (!args.length) return;
      const r = await ctx.tmux.run(args.slice(1));
      if (r.code !== 0) throw new Error(`tmux set-option failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    },
  };
}

/** The visible screens of several panes in ONE tmux invocation, split by a random marker line. */
export async function captureMany(
  ctx: HostContext,
  paneIds: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!paneIds.length) return out;
  const marker = `orchard-capture-${randomBytes(8).toString('hex')}`;
  const args: string[] = [];
  for (const id of paneIds)
    args.push('capture-pane', '-p', '-t', id, ';', 'display-message', '-p', marker, ';');
  args.pop();
  const r = await ctx.tmux.run(args);
  const parts = r.stdout.split(`${marker}\n`);
  // A pane that vanished meanwhile makes tmux stop at its command: only the panes before it count.
  paneIds.forEach((id, i) => {
    if (i < parts.length - (r.code === 0 ? 0 : 1)) out.set(id, parts[i]!);
  });
  return out;
}
