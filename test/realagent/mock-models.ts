// Stand-ins for three model APIs on 127.0.0.1, for the real Codex, Gemini CLI and OpenCode in
// tests. One server speaks all three (each CLI is pointed at it by its own base-URL setting):
//
//   POST …/responses                           OpenAI Responses, streaming SSE (Codex)
//   POST …/models/<m>:streamGenerateContent     Gemini SSE (alt=sse); :generateContent and
//                                              :countTokens answered plainly (Gemini CLI)
//   POST …/chat/completions                    OpenAI-compatible Chat Completions SSE (OpenCode)
//   GET  …/models                              a one-model list (some CLIs ask)
//
// Replies are scripted by the user's latest prompt:
//   "say <words>"     a text reply "Mock says: <words>"
//   "bash <command>"  a call of the CLI's shell tool with <command> (needs approval), then "Ran it."
//   "ask <question>"  a call of the CLI's question tool (when it offers one), then "Noted."
//   "slow <ms>"       text streamed over <ms> (a turn to watch, or interrupt)
//   anything else     "ok" (titles, summaries and other side requests)
// A request whose last message answers a tool call gets the follow-up text. Every request body is
// kept (`requests`) so a test can see what the CLI sent (its tools, its prompt).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Reply =
  { kind: 'text'; text: string; slowMs?: number } | { kind: 'tool'; tool: 'shell' | 'question'; arg: string };

export function script(prompt: string, answered: boolean): Reply {
  const p = prompt.trim();
  if (answered) return { kind: 'text', text: /^ask\s/.test(p) ? 'Noted.' : 'Ran it.' };
  let m = /^say\s+([\s\S]+)$/.exec(p);
  if (m) return { kind: 'text', text: `Mock says: ${m[1]!.trim()}` };
  m = /^bash\s+([\s\S]+)$/.exec(p);
  if (m) return { kind: 'tool', tool: 'shell', arg: m[1]!.trim() };
  m = /^ask\s+([\s\S]+)$/.exec(p);
  if (m) return { kind: 'tool', tool: 'question', arg: m[1]!.trim() };
  m = /^slow\s+(\d+)/.exec(p);
  if (m) return { kind: 'text', text: 'Slowly, word by word, the mock answers.', slowMs: Number(m[1]) };
  return { kind: 'text', text: 'ok' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const id = (p: string) => `${p}_${++seq}`;

interface Tool {
  name: string;
}
/** The tool the CLI offers for a purpose, by its name (the names differ between versions). */
function pickTool(names: string[], tool: 'shell' | 'question'): string | undefined {
  const order =
    tool === 'shell'
      ? [/^(shell|exec_command|shell_command|run_shell_command|bash)$/, /shell|bash|exec/]
      : [/^(request_user_input|ask_user|question|ask_user_question)$/, /question|ask/];
  for (const re of order) {
    const n = names.find((x) => re.test(x));
    if (n) return n;
  }
  return undefined;
}

function toolArgs(name: string, tool: 'shell' | 'question', arg: string): Record<string, unknown> {
  if (tool === 'shell') {
    if (name === 'shell') return { command: ['bash', '-lc', arg] };
    // Codex runs commands in a read-only sandbox unless the call asks to leave it: that asks the user.
    if (name === 'exec_command')
      return {
        cmd: arg,
        sandbox_permissions: 'require_escalated',
        justification: `The user asked to run ${arg}`,
      };
    if (name === 'bash') return { command: arg, description: `Run ${arg}` };
    return { command: arg };
  }
  const options = [
    { label: 'Postgres', description: 'A server database' },
    { label: 'SQLite', description: 'A file database' },
  ];
  if (name === 'request_user_input')
    return { questions: [{ id: 'db', header: 'Database', question: arg, options }] };
  if (name === 'question') return { questions: [{ question: arg, header: 'Database', options }] };
  return { questions: [{ question: arg, header: 'Database', options, type: 'choice' }] };
}

// ---- OpenAI Responses (Codex) ----
interface RItem {
  type?: string;
  role?: string;
  content?: { type: string; text?: string }[] | string;
}
function responsesPrompt(body: { input?: RItem[] }): { prompt: string; answered: boolean } {
  const items = body.input ?? [];
  const last = items[items.length - 1];
  const answered = !!last && /_output$/.test(last.type ?? '');
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (it.role !== 'user') continue;
    const parts =
      typeof it.content === 'string' ? [{ type: 'input_text', text: it.content }] : (it.content ?? []);
    const text = parts
      .map((c) => c.text ?? '')
      .filter((t) => t.trim() && !t.trim().startsWith('<'))
      .pop();
    if (text) return { prompt: text, answered };
  }
  return { prompt: '', answered };
}

async function responses(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
  const { prompt, answered } = responsesPrompt(body as { input?: RItem[] });
  const reply = script(prompt, answered);
  const rid = id('resp');
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('response.created', { response: { id: rid } });
  let item: Record<string, unknown>;
  const tools = ((body.tools as Tool[] | undefined) ?? []).map((t) => t.name).filter(Boolean);
  const name = reply.kind === 'tool' ? pickTool(tools, reply.tool) : undefined;
  if (reply.kind === 'tool' && name) {
    item = {
      type: 'function_call',
      id: id('fc'),
      call_id: id('call'),
      name,
      arguments: JSON.stringify(toolArgs(name, reply.tool, reply.arg)),
    };
  } else {
    const text = reply.kind === 'text' ? reply.text : `no ${reply.tool} tool offered`;
    const mid = id('msg');
    send('response.output_item.added', {
      output_index: 0,
      item: { type: 'message', id: mid, role: 'assistant', content: [] },
    });
    const words = text.split(/(?<= )/);
    // A slow turn thinks first (half its time), then streams the rest word by word.
    if (reply.kind === 'text' && reply.slowMs) await sleep(reply.slowMs / 2);
    for (const w of words) {
      if (reply.kind === 'text' && reply.slowMs) await sleep(reply.slowMs / 2 / words.length);
      send('response.output_text.delta', { item_id: mid, output_index: 0, content_index: 0, delta: w });
    }
    item = { type: 'message', id: mid, role: 'assistant', content: [{ type: 'output_text', text }] };
  }
  send('response.output_item.done', { output_index: 0, item });
  send('response.completed', {
    response: {
      id: rid,
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        total_tokens: 15,
        input_tokens_details: null,
        output_tokens_details: null,
      },
    },
  });
  res.end();
}

// ---- Gemini ----
interface GPart {
  text?: string;
  functionResponse?: unknown;
  thought?: boolean;
}
interface GContent {
  role?: string;
  parts?: GPart[];
}
function geminiPrompt(body: { contents?: GContent[] }): { prompt: string; answered: boolean } {
  const cs = body.contents ?? [];
  const last = cs[cs.length - 1];
  const answered = !!last?.parts?.some((p) => p.functionResponse);
  for (let i = cs.length - 1; i >= 0; i--) {
    const c = cs[i]!;
    if (c.role !== 'user') continue;
    const text = (c.parts ?? [])
      .map((p) => p.text ?? '')
      .filter((t) => t.trim() && !t.trim().startsWith('<'))
      .pop();
    if (text) return { prompt: text, answered };
  }
  return { prompt: '', answered };
}

function geminiTools(body: Record<string, unknown>): string[] {
  const tools = (body.tools as { functionDeclarations?: Tool[] }[] | undefined) ?? [];
  return tools.flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name));
}

const USAGE = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };

async function gemini(body: Record<string, unknown>, res: ServerResponse, stream: boolean): Promise<void> {
  const { prompt, answered } = geminiPrompt(body as { contents?: GContent[] });
  const reply = script(prompt, answered);
  const name = reply.kind === 'tool' ? pickTool(geminiTools(body), reply.tool) : undefined;
  // Side requests (JSON-schema'd: the next-speaker check, loop detection) get a plain answer.
  const cfg = body.generationConfig as { responseMimeType?: string } | undefined;
  if (cfg?.responseMimeType === 'application/json') {
    const json = JSON.stringify({ reasoning: 'the mock is done', next_speaker: 'user' });
    const cand = { content: { role: 'model', parts: [{ text: json }] }, finishReason: 'STOP', index: 0 };
    res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
    const payload = JSON.stringify({ candidates: [cand], usageMetadata: USAGE });
    res.end(stream ? `data: ${payload}\n\n` : payload);
    return;
  }
  const chunks: GPart[][] = [];
  if (reply.kind === 'tool' && name)
    chunks.push([{ functionCall: { name, args: toolArgs(name, reply.tool, reply.arg) } } as GPart]);
  else {
    const text = reply.kind === 'text' ? reply.text : `no ${reply.tool} tool offered`;
    for (const w of text.split(/(?<= )/)) chunks.push([{ text: w }]);
  }
  if (!stream) {
    const parts = chunks.flat();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
        usageMetadata: USAGE,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (reply.kind === 'text' && reply.slowMs) await sleep(reply.slowMs / 2);
  for (let i = 0; i < chunks.length; i++) {
    if (reply.kind === 'text' && reply.slowMs) await sleep(reply.slowMs / 2 / chunks.length);
    const lastChunk = i === chunks.length - 1;
    const cand = {
      content: { role: 'model', parts: chunks[i] },
      index: 0,
      ...(lastChunk ? { finishReason: 'STOP' } : {}),
    };
    res.write(
      `data: ${JSON.stringify({ candidates: [cand], ...(lastChunk ? { usageMetadata: USAGE } : {}) })}\n\n`,
    );
  }
  res.end();
}

// ---- OpenAI Chat Completions (OpenCode) ----
interface CMsg {
  role: string;
  content?: string | { type: string; text?: string }[] | null;
}
function chatPrompt(body: { messages?: CMsg[] }): { prompt: string; answered: boolean } {
  const ms = body.messages ?? [];
  const answered = ms[ms.length - 1]?.role === 'tool';
  for (let i = ms.length - 1; i >= 0; i--) {
    const m = ms[i]!;
    if (m.role !== 'user') continue;
    const parts = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    const text = parts
      .map((c) => c.text ?? '')
      .filter((t) => t.trim() && !t.trim().startsWith('<'))
      .pop();
    if (text) return { prompt: text, answered };
  }
  return { prompt: '', answered };
}

async function chat(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
  const { prompt, answered } = chatPrompt(body as { messages?: CMsg[] });
  // OpenCode's title request carries the prompt too: answer it with a title, never a tool call.
  const sys = JSON.stringify((body.messages as CMsg[] | undefined)?.[0] ?? '');
  const titling = /title generator|generate a title|You are a title/i.test(sys);
  const reply = titling ? { kind: 'text' as const, text: 'Mock title' } : script(prompt, answered);
  const tools = ((body.tools as { function?: Tool }[] | undefined) ?? []).map((t) => t.function?.name ?? '');
  const name = reply.kind === 'tool' ? pickTool(tools, reply.tool) : undefined;
  const cid = id('chatcmpl');
  const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
    `data: ${JSON.stringify({
      id: cid,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: String(body.model ?? 'mock'),
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk({ role: 'assistant', content: '' }, null));
  let finish = 'stop';
  if (reply.kind === 'tool' && name) {
    res.write(
      chunk(
        {
          tool_calls: [
            {
              index: 0,
              id: id('call'),
              type: 'function',
              function: { name, arguments: JSON.stringify(toolArgs(name, reply.tool, reply.arg)) },
            },
          ],
        },
        null,
      ),
    );
    finish = 'tool_calls';
  } else {
    const text = reply.kind === 'text' ? reply.text : `no ${reply.tool} tool offered`;
    const words = text.split(/(?<= )/);
    if (reply.kind === 'text' && reply.slowMs) await sleep(reply.slowMs / 2);
    for (const w of words) {
      if (reply.kind === 'text' && reply.slowMs) await sleep(reply.slowMs / 2 / words.length);
      res.write(chunk({ content: w }, null));
    }
  }
  res.write(chunk({}, finish, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }));
  res.end('data: [DONE]\n\n');
}

export interface MockModels {
  url: string;
  port: number;
  requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  try {
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    return { raw };
  }
}

export async function startMockModels(listenPort = 0): Promise<MockModels> {
  const requests: MockModels['requests'] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = req.method === 'POST' ? await readBody(req) : {};
      requests.push({ path, body });
      if (req.method === 'GET' && /\/models$/.test(path)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            data: [{ id: 'mock', object: 'model', owned_by: 'mock' }],
            models: [],
          }),
        );
      } else if (/\/responses$/.test(path)) await responses(body, res);
      else if (/:streamGenerateContent$/.test(path)) await gemini(body, res, true);
      else if (/:generateContent$/.test(path)) await gemini(body, res, false);
      else if (/:countTokens$/.test(path)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ totalTokens: 10 }));
      } else if (/\/chat\/completions$/.test(path)) await chat(body, res);
      else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `mock: no route ${path}` } }));
      }
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(listenPort, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
