// The Claude Code hook commands, run by sh exactly as Claude Code runs them (hook JSON on stdin),
// against a stand-in `tmux` on PATH that records its argv: what would be set on the pane.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { claudeSettings, hookCommand, type HookEvent } from '../../src/core/agents/claude-hooks.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchard-hooks-'));
const log = join(dir, 'tmux.log');
writeFileSync(
  join(dir, 'tmux'),
  `#!/bin/sh\nfor a; do printf '%s\\037' "$a"; done >> "${log}"\necho >> "${log}"\n`,
);
chmodSync(join(dir, 'tmux'), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pane options the hook sets: {state, reason, detail}. */
function run(event: HookEvent, input: Record<string, unknown>, pane = '%7'): Record<string, string> {
  writeFileSync(log, '');
  execFileSync('sh', ['-c', hookCommand(event)], {
    input: JSON.stringify({ session_id: 's', hook_event_name: event, ...input }),
    env: { PATH: `${dir}:${process.env.PATH}`, TMUX_PANE: pane },
  });
  const out: Record<string, string> = {};
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const args = line.split('\x1f').slice(0, -1);
    // set-option -p -t %7 @orchard_x value [; set-option ...]
    for (let i = 0; i < args.length; i++)
      if (args[i] === 'set-option') {
        expect(args.slice(i + 1, i + 4)).toEqual(['-p', '-t', pane]);
        out[args[i + 4]!.replace('@orchard_', '')] = args[i + 5]!;
      }
  }
  delete out.state_at;
  return out;
}

test('every event claude-hooks.ts covers maps to its state', () => {
  const hooks = claudeSettings().hooks as Record<string, unknown>;
  expect(Object.keys(hooks).sort()).toEqual([
    'Notification',
    'PermissionRequest',
    'PostToolUse',
    'PreToolUse',
    'SessionEnd',
    'SessionStart',
    'Stop',
    'StopFailure',
    'UserPromptSubmit',
  ]);
  expect(run('UserPromptSubmit', { prompt: 'hi' })).toEqual({ state: 'working', reason: '', detail: '' });
  expect(run('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' } }).state).toBe('working');
  expect(run('Stop', {})).toEqual({ state: 'idle', reason: '', detail: '' });
  expect(run('SessionEnd', { reason: 'exit' }).state).toBe('exited');
  expect(run('StopFailure', { error: 'rate_limit' })).toEqual({
    state: 'error',
    reason: 'error',
    detail: 'rate_limit',
  });
});

test('PermissionRequest: the tool and its target become the detail', () => {
  expect(run('PermissionRequest', { tool_name: 'Edit', tool_input: { file_path: 'notes.txt' } })).toEqual({
    state: 'waiting',
    reason: 'permission',
    detail: 'Edit notes.txt',
  });
  expect(
    run('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }).detail,
  ).toBe('Bash rm -rf build');
  expect(run('PermissionRequest', { tool_name: 'Mystery', tool_input: {} }).detail).toBe('Mystery');
});

test('AskUserQuestion and notifications', () => {
  expect(
    run('PreToolUse', {
      tool_name: 'AskUserQuestion',
      tool_input: { questions: [{ question: 'Which db?' }] },
    }),
  ).toEqual({ state: 'waiting', reason: 'question', detail: 'Which db?' });
  expect(run('Notification', { message: 'Claude is waiting for your input' })).toEqual({
    state: 'waiting',
    reason: 'input',
    detail: 'Claude is waiting for your input',
  });
  // A permission notification keeps the detail PermissionRequest set.
  expect(run('Notification', { message: 'Claude needs your permission to use Bash' })).toEqual({
    state: 'waiting',
    reason: 'permission',
  });
});

test('hostile text stays data: no command runs, no tmux separator survives', () => {
  const evil = "x'; touch /tmp/orchard-pwned; $(touch /tmp/orchard-pwned2) `id` \\;";
  const r = run('PermissionRequest', { tool_name: 'Edit', tool_input: { file_path: evil } });
  expect(r.state).toBe('waiting');
  expect(r.detail!.startsWith("Edit x'")).toBe(true);
  expect(r.detail!.endsWith(';')).toBe(false);
  expect(() => readFileSync('/tmp/orchard-pwned')).toThrow();
  expect(() => readFileSync('/tmp/orchard-pwned2')).toThrow();
  // Outside tmux (no TMUX_PANE) a hook does nothing and never fails.
  writeFileSync(log, '');
  execFileSync('sh', ['-c', hookCommand('Stop')], { input: '', env: { PATH: `${dir}:${process.env.PATH}` } });
  expect(readFileSync(log, 'utf8')).toBe('');
});
