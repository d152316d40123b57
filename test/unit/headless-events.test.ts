// Headless event parsing: Claude Code's real stream-json output (2.1.332 in print mode, recorded
// against a stand-in API: a Write outside the worktree, denied), and Codex `exec --json` lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEventLine, parseEventLines } from '../../src/core/sessions/headless-events.ts';
import { userMessage } from '../../src/core/sessions/headless.ts';
import { ROOT } from '../helpers/env.ts';

const REAL = readFileSync(join(ROOT, 'test/fixtures/claude-2.1.332-stream.jsonl'), 'utf8');

describe('Claude Code stream-json', () => {
  test('a real turn: start, the echoed message, a denied Write, the answer, the result', () => {
    const ev = parseEventLines(REAL);
    expect(ev.map((e) => e.kind)).toEqual([
      'start',
      'user',
      'tool',
      'notice',
      'tool-result',
      'assistant',
      'result',
    ]);
    expect(ev[0]).toMatchObject({ kind: 'start', model: 'claude-opus-5-5' });
    expect(ev[1]).toEqual({ kind: 'user', text: 'please write a file' });
    expect(ev[2]).toMatchObject({
      kind: 'tool',
      name: 'Write',
      input: { file_path: '/tmp/hlcheck/notes.txt' },
    });
    expect(ev[3]).toMatchObject({
      kind: 'notice',
      text: expect.stringMatching(/^permission denied: Claude requested/),
    });
    expect(ev[4]).toMatchObject({ kind: 'tool-result', isError: true, id: (ev[2] as { id: string }).id });
    expect(ev[6]).toMatchObject({
      kind: 'result',
      ok: true,
      turns: 2,
      denials: ['Write /tmp/hlcheck/notes.txt'],
    });
    expect((ev[6] as { costUsd: number }).costUsd).toBeGreaterThan(0);
    expect((ev[6] as { durationMs: number }).durationMs).toBeGreaterThan(0);
  });

  test('string content, errors, and lines that are not JSON', () => {
    expect(parseEventLine('{"type":"user","message":{"role":"user","content":"hi"}}')).toEqual([
      { kind: 'user', text: 'hi' },
    ]);
    expect(
      parseEventLine(
        '{"type":"result","subtype":"error_max_turns","is_error":true,"errors":["too many turns"]}',
      ),
    ).toEqual([{ kind: 'result', ok: false, text: 'too many turns' }]);
    expect(parseEventLine('not json')).toEqual([{ kind: 'notice', text: 'not json' }]);
    expect(parseEventLine('{"type":"stream_event","event":{}}')).toEqual([]);
    expect(parseEventLine('')).toEqual([]);
  });

  test('the message Orchard writes is one line in Claude Code stream-json input format', () => {
    const line = userMessage('a "quoted"\nmulti-line message');
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      type: 'user',
      message: { role: 'user', content: [{ type: 'text', text: 'a "quoted"\nmulti-line message' }] },
    });
  });
});

describe('Codex exec --json', () => {
  test('thread, messages, commands with output, turn results', () => {
    const lines = [
      '{"type":"thread.started","thread_id":"t-1"}',
      '{"type":"turn.started"}',
      '{"type":"item.completed","item":{"id":"i0","type":"reasoning","text":"thinking"}}',
      '{"type":"item.completed","item":{"id":"i1","type":"command_execution","command":"ls","aggregated_output":"a\\nb\\n","exit_code":0,"status":"completed"}}',
      '{"type":"item.completed","item":{"id":"i2","type":"agent_message","text":"Done."}}',
      '{"type":"turn.completed","usage":{"input_tokens":5,"output_tokens":2}}',
      '{"type":"turn.failed","error":{"message":"rate limited"}}',
    ];
    expect(parseEventLines(lines.join('\n'))).toEqual([
      { kind: 'start', sessionId: 't-1' },
      { kind: 'tool', id: 'i1', name: 'command', input: { command: 'ls' } },
      { kind: 'tool-result', id: 'i1', text: 'a\nb\n', isError: false },
      { kind: 'assistant', text: 'Done.' },
      { kind: 'result', ok: true },
      { kind: 'result', ok: false, text: 'rate limited' },
    ]);
  });
});
