// A stand-in for the Anthropic Messages API on 127.0.0.1, for the real Claude Code in tests.
// Replies are scripted by the latest user prompt (the last text block of the last user message
// that is not a tool result or a system reminder):
//
//   "say <words>"       a text reply "Mock says: <words>"
//   "write <file>"      a Write tool_use (content "written by the mock\n"), then "Wrote <file>."
//   "bash <command>"    a Bash tool_use running <command> verbatim (needs permission), then "Ran it."
//   "ask <question>"    an AskUserQuestion tool_use with two options (Postgres, SQLite), then "Noted."
//   "slow <ms>"         text streamed over <ms> (a turn to interrupt)
//   "fail400"           HTTP 400 invalid_request_error "orchard mock: this request is refused"
//   anything else       "ok" (titles, summaries and other side requests of the CLI)
//
// A request whose last user message carries a tool_result gets the scripted follow-up text.
// Streaming (SSE) when the request asks for it, plain JSON otherwise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MOCK_400_MESSAGE = 'orchard mock: this request is refused';

interface Block {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  content?: unknown;
}
interface Msg {
  role: string;
  content: string | Block[];
}
interface Req {
  model?: string;
  stream?: boolean;
  messages?: Msg[];
}

type Reply =
  | { kind: 'text'; text: string; slowMs?: number }
  | { kind: 'tool'; name: string; input: Record<string, unknown> }
  | { kind: 'error'; status: number; type: string; message: string };

function blocks(m: Msg): Block[] {
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
}

const isPrompt = (b: Block) =>
  b.type === 'text' &&
  typeof b.text === 'string' &&
  !!b.text.trim() &&
  !/^(<system-reminder>|<command-|\[Request interrupted)/.test(b.text.trim());

/**
 * The user's latest prompt, and whether the last user message answers a tool call (a tool_result
 * after the last prompt text: a message can carry a denied call's result AND a new prompt).
 */
export function lastPrompt(req: Req): { prompt: string; toolResult: boolean } {
  const users = (req.messages ?? []).filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  const tail = last ? blocks(last).filter((b) => b.type === 'tool_result' || isPrompt(b)) : [];
  const toolResult = tail[tail.length - 1]?.type === 'tool_result';
  for (let i = users.length - 1; i >= 0; i--) {
    const texts = blocks(users[i]!).filter(isPrompt);
    if (texts.length) return { prompt: texts[texts.length - 1]!.text!.trim(), toolResult };
  }
  return { prompt: '', toolResult };
}

export function script(req: Req): Reply {
  const { prompt, toolResult } = lastPrompt(req);
  const [verb = '', rest = ''] = prompt.split(/\s+(.*)/s);
  if (toolResult) {
    const follow: Record<string, string> = { write: `Wrote ${rest}.`, bash: 'Ran it.', ask: 'Noted.' };
    return { kind: 'text', text: follow[verb] ?? 'Done.' };
  }
  switch (verb) {
    case 'say':
      return { kind: 'text', text: `Mock says: ${rest}` };
    case 'write':
      return {
        kind: 'tool',
        name: 'Write',
        input: { file_path: rest, content: 'written by the mock\n' },
      };
    case 'bash':
      return {
        kind: 'tool',
        name: 'Bash',
        input: { command: rest, description: 'Run the requested command' },
      };
    case 'ask':
      return {
        kind: 'tool',
        name: 'AskUserQuestion',
        input: {
          questions: [
            {
              question: rest,
              header: 'Database',
              multiSelect: false,
              options: [
                { label: 'Postgres', description: 'A server database' },
                { label: 'SQLite', description: 'A file database' },
              ],
            },
          ],
        },
      };
    case 'slow':
      return {
        kind: 'text',
        text: 'Thinking slowly about it, word by word, for a while.',
        slowMs: Number(rest) || 5000,
      };
    case 'fail400':
      return { kind: 'error', status: 400, type: 'invalid_request_error', message: MOCK_400_MESSAGE };
  }
  return { kind: 'text', text: 'ok' };
}

let seq = 0;

function message(model: string, content: unknown[], stop: string) {
  return {
    id: `msg_mock_${++seq}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stream(res: ServerResponse, model: string, reply: Reply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (event: string, data: unknown) => {
    if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const start = message(model, [], '');
  send('message_start', { type: 'message_start', message: { ...start, stop_reason: null } });
  if (reply.kind === 'text') {
    send('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    const words = reply.text.split(/(?<= )/);
    const pause = reply.slowMs ? reply.slowMs / words.length : 0;
    for (const w of words) {
      if (res.destroyed) return;
      if (pause) await sleep(pause);
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: w },
      });
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5 },
    });
  } else if (reply.kind === 'tool') {
    const input = reply.input;
    send('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: `toolu_mock_${++seq}`, name: reply.name, input: {} },
    });
    send('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) },
    });
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 5 },
    });
  }
  send('message_stop', { type: 'message_stop' });
  res.end();
}

export interface MockAnthropic {
  url: string;
  /** Every prompt the mock was asked about, in order (main-loop requests and side requests). */
  prompts: string[];
  close(): Promise<void>;
}

/** Starts the mock on 127.0.0.1 (a free port). */
export async function startMockAnthropic(): Promise<MockAnthropic> {
  const prompts: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = req.url ?? '';
      if (req.method === 'POST' && url.startsWith('/v1/messages/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 10 }));
        return;
      }
      if (req.method !== 'POST' || !url.startsWith('/v1/messages')) {
        // Anything else the CLI asks (feature flags, metrics, ...) is not part of the test.
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not mocked' } }));
        return;
      }
      let parsed: Req;
      try {
        parsed = JSON.parse(body) as Req;
      } catch {
        res.writeHead(400).end();
        return;
      }
      prompts.push(lastPrompt(parsed).prompt);
      const reply = script(parsed);
      const model = parsed.model ?? 'claude-mock';
      if (reply.kind === 'error') {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message } }));
        return;
      }
      if (parsed.stream) {
        void stream(res, model, reply);
        return;
      }
      const content =
        reply.kind === 'text'
          ? [{ type: 'text', text: reply.text }]
          : [{ type: 'tool_use', id: `toolu_mock_${++seq}`, name: reply.name, input: reply.input }];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(message(model, content, reply.kind === 'text' ? 'end_turn' : 'tool_use')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    prompts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// `node test/realagent/mock-anthropic.ts`: run it by hand (prints its URL) to capture screens.
if (import.meta.url === `file://${process.argv[1]}`) {
  void startMockAnthropic().then((m) => {
    process.stdout.write(`${m.url}\n`);
    setInterval(() => undefined, 1 << 30);
  });
}
