// `orchard events`: what a headless session's agent said and did (messages, tool calls with their
// input, tool results, each turn's result with cost and duration), also after it was killed.
// --follow prints the history, then streams new events: one `tail -F` on the session's host.
import type { HeadlessEvent } from '../../shared/headless.ts';
import { parseEventLine } from '../../core/sessions/headless-events.ts';
import { headlessEvents, headlessHost } from '../../core/sessions/headless-ops.ts';
import { followEventsArgv } from '../../core/sessions/headless.ts';
import { flag, need, type Command } from '../command.ts';
import { followLines } from '../follow.ts';
import { visible } from '../format.ts';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
const indent = (s: string, pad: string) =>
  s
    .split('\n')
    .map((l) => pad + visible(l))
    .join('\n');

/** Claude Code reports its start (system/init) at every turn: print it once per agent session. */
export function newStarts(): (e: HeadlessEvent) => boolean {
  let session: string | undefined;
  return (e) => {
    if (e.kind !== 'start') return true;
    if (e.sessionId !== undefined && e.sessionId === session) return false;
    session = e.sessionId;
    return true;
  };
}

/** One event as text lines (ending in a newline). */
export function formatEvent(e: HeadlessEvent): string {
  switch (e.kind) {
    case 'start':
      return `── started${e.model ? ` (${e.model})` : ''}\n`;
    case 'user':
      return `${indent(e.text, '> ')}\n`;
    case 'assistant':
      return `${indent(e.text, '')}\n`;
    case 'tool':
      return `⏺ ${visible(e.name)} ${visible(clip(JSON.stringify(e.input), 500))}\n`;
    case 'tool-result': {
      const lines = e.text.split('\n');
      const shown =
        lines.slice(0, 8).join('\n') + (lines.length > 8 ? `\n… ${lines.length - 8} more lines` : '');
      return `${indent(clip(shown, 2000), e.isError ? '  ⎿ error: ' : '  ⎿ ')}\n`;
    }
    case 'result': {
      const parts = [
        e.durationMs !== undefined ? `${(e.durationMs / 1000).toFixed(1)}s` : '',
        e.costUsd !== undefined ? `$${e.costUsd.toFixed(4)}` : '',
        e.turns !== undefined ? `${e.turns} turn${e.turns === 1 ? '' : 's'}` : '',
      ].filter(Boolean);
      const head = `${e.ok ? '✓ done' : '✗ failed'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
      const denied = (e.denials ?? []).map((d) => `  denied: ${visible(d)}\n`).join('');
      const why = !e.ok && e.text ? `: ${visible(clip(e.text, 500))}` : '';
      return `${head}${why}\n${denied}`;
    }
    case 'notice':
      return `! ${visible(e.text)}\n`;
  }
}

export const eventsCommands: Command[] = [
  {
    name: 'events',
    usage: 'events <id> [--follow] [--json]',
    summary: "a headless session's messages, tool calls and results; --follow streams them",
    options: { follow: { type: 'boolean', short: 'f' }, json: { type: 'boolean' } },
    async run({ args, values, engine, io }) {
      need(args, 1, this.usage);
      const e = engine();
      const id = args[0]!;
      const json = flag(values, 'json');
      if (!flag(values, 'follow')) {
        const events: HeadlessEvent[] = [];
        for (let offset = 0; ;) {
          const r = await headlessEvents(e, id, offset);
          events.push(...r.events);
          if (r.offset === offset) break;
          offset = r.offset;
        }
        if (json) io.json(events);
        else io.out(events.filter(newStarts()).map(formatEvent).join(''));
        return 0;
      }
      // Follow: one streaming command on the host (here or over SSH); Ctrl-C ends it.
      const { ctx } = await headlessHost(e, id);
      const shown = newStarts();
      return followLines(ctx.host, await followEventsArgv(ctx, id), (lines) => {
        const events = lines
          .flatMap((l) => (l.startsWith('tail: ') ? [] : parseEventLine(l)))
          .filter((ev) => json || shown(ev));
        if (events.length)
          io.out(events.map((ev) => (json ? `${JSON.stringify(ev)}\n` : formatEvent(ev))).join(''));
      });
    },
  },
];
