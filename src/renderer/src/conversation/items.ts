// Events as the conversation view shows them: each tool call carries its result (matched by id),
// so one collapsible item holds both.
import type { HeadlessEvent } from '../../../shared/api.ts';

type ToolEvent = Extract<HeadlessEvent, { kind: 'tool' }>;
type ToolResult = Extract<HeadlessEvent, { kind: 'tool-result' }>;
type ResultEvent = Extract<HeadlessEvent, { kind: 'result' }>;

export type Item = Exclude<HeadlessEvent, ToolEvent | ToolResult> | (ToolEvent & { result?: ToolResult });

export function groupTurns(events: readonly HeadlessEvent[]): Item[] {
  const out: Item[] = [];
  const tools = new Map<string, ToolEvent & { result?: ToolResult }>();
  let session: string | undefined;
  for (const e of events) {
    // Claude Code reports its start (system/init) at every turn: shown once per agent session.
    if (e.kind === 'start') {
      if (e.sessionId !== undefined && e.sessionId === session) continue;
      session = e.sessionId;
      out.push(e);
    } else if (e.kind === 'tool') {
      const item = { ...e };
      if (e.id) tools.set(e.id, item);
      out.push(item);
    } else if (e.kind === 'tool-result') {
      const t = tools.get(e.id);
      if (t) t.result = e;
      else out.push({ kind: 'notice', text: e.text });
    } else out.push(e);
  }
  return out;
}

/** What a tool call is about, in a few words: its command, file or pattern. */
export function toolSummary(input: unknown): string {
  if (input === null || typeof input !== 'object') return '';
  const o = input as Record<string, unknown>;
  for (const k of ['command', 'file_path', 'notebook_path', 'pattern', 'url', 'path', 'description']) {
    const v = o[k];
    if (typeof v === 'string' && v) return v.length > 120 ? `${v.slice(0, 120)}…` : v;
  }
  return '';
}

/** "Done in 1.2 s · $0.0123 · 2 turns", or "Failed: why". */
export function resultLine(e: ResultEvent): string {
  const bits = [
    e.durationMs !== undefined ? `${(e.durationMs / 1000).toFixed(1)} s` : '',
    e.costUsd !== undefined ? `$${e.costUsd.toFixed(4)}` : '',
    e.turns !== undefined ? `${e.turns} turn${e.turns === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  if (!e.ok) return `Failed${e.text ? `: ${e.text}` : ''}`;
  return `Done${bits.length ? ` in ${bits.join(' · ')}` : ''}`;
}
