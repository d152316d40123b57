// The lines a headless agent prints (Claude Code's stream-json, Codex's `exec --json`) turned into
// HeadlessEvents. Unknown message kinds are skipped, a line that is not JSON becomes a notice: the
// log is the agent's own output and is shown as faithfully as it can be read.
import type { HeadlessEvent } from '../../shared/headless.ts';

type Json = Record<string, unknown>;

const obj = (x: unknown): Json | undefined =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined;
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** A tool result's content: a string, or text blocks. */
function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return c === undefined ? '' : JSON.stringify(c);
  return c
    .map((b) => {
      const o = obj(b);
      return o?.type === 'text' ? (str(o.text) ?? '') : o ? `[${str(o.type) ?? 'block'}]` : '';
    })
    .join('\n');
}

/** "Write notes.txt", "Bash npm test": a denied tool and what it was for. */
function denial(d: unknown): string {
  const o = obj(d);
  const input = obj(o?.tool_input) ?? {};
  const target = ['file_path', 'notebook_path', 'command', 'pattern', 'url', 'path']
    .map((k) => str(input[k]))
    .find((v) => v);
  return [str(o?.tool_name) ?? 'tool', target].filter(Boolean).join(' ');
}

function claudeMessage(type: 'user' | 'assistant', m: Json): HeadlessEvent[] {
  const message = obj(m.message) ?? {};
  const content = message.content;
  if (typeof content === 'string') return [{ kind: type, text: content }];
  if (!Array.isArray(content)) return [];
  const out: HeadlessEvent[] = [];
  for (const raw of content) {
    const b = obj(raw);
    if (!b) continue;
    if (b.type === 'text' && str(b.text)) out.push({ kind: type, text: str(b.text)! });
    else if (b.type === 'tool_use')
      out.push({ kind: 'tool', id: str(b.id) ?? '', name: str(b.name) ?? 'tool', input: b.input ?? null });
    else if (b.type === 'tool_result')
      out.push({
        kind: 'tool-result',
        id: str(b.tool_use_id) ?? '',
        text: contentText(b.content),
        isError: b.is_error === true,
      });
  }
  return out;
}

function claudeLine(m: Json): HeadlessEvent[] {
  switch (m.type) {
    case 'system':
      if (m.subtype === 'init')
        return [
          {
            kind: 'start',
            ...(str(m.model) ? { model: str(m.model)! } : {}),
            ...(str(m.session_id) ? { sessionId: str(m.session_id)! } : {}),
          },
        ];
      if (m.subtype === 'permission_denied')
        return [
          { kind: 'notice', text: `permission denied: ${str(m.message) ?? str(m.tool_name) ?? 'a tool'}` },
        ];
      if (m.subtype === 'api_retry')
        return [{ kind: 'notice', text: `API retry ${num(m.attempt) ?? '?'}/${num(m.max_retries) ?? '?'}` }];
      return [];
    case 'user':
    case 'assistant':
      return claudeMessage(m.type, m);
    case 'result': {
      const denials = Array.isArray(m.permission_denials) ? m.permission_denials.map(denial) : [];
      const cost = num(m.total_cost_usd);
      const duration = num(m.duration_ms);
      const turns = num(m.num_turns);
      const text = str(m.result) ?? (Array.isArray(m.errors) ? m.errors.join('; ') : undefined);
      return [
        {
          kind: 'result',
          ok: m.is_error !== true && (m.subtype === undefined || m.subtype === 'success'),
          ...(text !== undefined ? { text } : {}),
          ...(cost !== undefined ? { costUsd: cost } : {}),
          ...(duration !== undefined ? { durationMs: duration } : {}),
          ...(turns !== undefined ? { turns } : {}),
          ...(denials.length ? { denials } : {}),
        },
      ];
    }
  }
  return [];
}

/** Codex `exec --json`: thread/turn/item events. */
function codexLine(m: Json): HeadlessEvent[] | undefined {
  const type = str(m.type) ?? '';
  if (type === 'thread.started')
    return [{ kind: 'start', ...(str(m.thread_id) ? { sessionId: str(m.thread_id)! } : {}) }];
  if (type === 'turn.completed') return [{ kind: 'result', ok: true }];
  if (type === 'turn.failed')
    return [{ kind: 'result', ok: false, text: str(obj(m.error)?.message) ?? 'turn failed' }];
  if (type === 'error') return [{ kind: 'notice', text: str(m.message) ?? 'error' }];
  if (type !== 'item.completed') return type.includes('.') ? [] : undefined;
  const item = obj(m.item) ?? {};
  const id = str(item.id) ?? '';
  switch (item.type) {
    case 'agent_message':
      return [{ kind: 'assistant', text: str(item.text) ?? '' }];
    case 'command_execution':
      return [
        { kind: 'tool', id, name: 'command', input: { command: item.command } },
        {
          kind: 'tool-result',
          id,
          text: str(item.aggregated_output) ?? '',
          isError: num(item.exit_code) !== undefined && item.exit_code !== 0,
        },
      ];
    case 'file_change':
      return [{ kind: 'tool', id, name: 'file_change', input: item.changes ?? null }];
    case 'mcp_tool_call':
      return [
        {
          kind: 'tool',
          id,
          name: `${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}`,
          input: item.arguments ?? null,
        },
      ];
    case 'error':
      return [{ kind: 'notice', text: str(item.message) ?? 'error' }];
  }
  return [];
}

export function parseEventLine(line: string): HeadlessEvent[] {
  if (!line.trim()) return [];
  let m: Json | undefined;
  try {
    m = obj(JSON.parse(line));
  } catch {
    m = undefined;
  }
  if (!m) return [{ kind: 'notice', text: line.slice(0, 2000) }];
  return codexLine(m) ?? claudeLine(m);
}

export function parseEventLines(text: string): HeadlessEvent[] {
  return text.split('\n').flatMap(parseEventLine);
}
