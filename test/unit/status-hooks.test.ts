// The Claude Code hook commands, run by sh exactly as Claude Code runs them (hook JSON on stdin),
// against a stand-in `tmux` on PATH that records its argv: what would be set on the pane. Inputs
// are the real ones Claude Code 2.1.332 sent (test/fixtures/hooks/claude-2.1.332.jsonl) plus
// hand-made edge cases for the JSON reader.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { claudeArgv } from '../../src/core/agents/claude-args.ts';
import { claudeSettings, hookCommand, type HookEvent } from '../../src/core/agents/claude-hooks.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchard-hooks-'));
const log = join(dir, 'tmux.log');
// display-message answers with $FAKE_STATE (what the pane's @orchard_state would be).
writeFileSync(
  join(dir, 'tmux'),
  `#!/bin/sh\nif [ "$1" = display-message ]; then printf '%s\\n' "$FAKE_STATE"; exit 0; fi\nfor a; do printf '%s\\037' "$a"; done >> "${log}"\necho >> "${log}"\n`,
);
chmodSync(join(dir, 'tmux'), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REAL = readFileSync(new URL('../fixtures/hooks/claude-2.1.332.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);

function real(event: string, pred: (x: Record<string, unknown>) => boolean = () => true) {
  const x = REAL.find((r) => r.hook_event_name === event && pred(r));
  if (!x) throw new Error(`no real ${event} input in the fixture`);
  return x;
}

/** Pane options the hook sets: {state, reason, detail, mode, state_src}. */
function runRaw(event: HookEvent, json: string, pane = '%7', paneState = ''): Record<string, string> {
  writeFileSync(log, '');
  execFileSync('sh', ['-c', hookCommand(event)], {
    input: json,
    env: { PATH: `${dir}:${process.env.PATH}`, TMUX_PANE: pane, FAKE_STATE: paneState },
  });
  const out: Record<string, string> = {};
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const args = line.split('\x1f').slice(0, -1);
    // set-option -p -t %7 @orchard_x value [; set-option ...]
    for (let i = 0; i < args.length; i++)
      if (args[i] === 'set-option') {
        expect(args.slice(i + 1, i + 4)).toEqual(['-p', '-t', pane]);
        // As tmux reads its argv: a trailing '\;' is a literal ';'.
        out[args[i + 4]!.replace('@orchard_', '')] = args[i + 5]!.replace(/\\;$/, ';');
      }
  }
  if (out.state_at !== undefined) expect(out.state_at).toMatch(/^\d{10}$/);
  delete out.state_at;
  return out;
}

const run = (event: HookEvent, input: Record<string, unknown>, paneState = '') =>
  runRaw(event, JSON.stringify({ session_id: 's', hook_event_name: event, ...input }), '%7', paneState);

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
  expect(run('UserPromptSubmit', { prompt: 'hi', permission_mode: 'default' })).toEqual({
    state: 'working',
    reason: '',
    detail: '',
    state_src: 'hook',
    mode: 'default',
  });
  expect(run('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' } }).state).toBe('working');
  expect(run('Stop', {})).toEqual({ state: 'idle', reason: '', detail: '', state_src: 'hook' });
  expect(run('SessionEnd', { reason: 'exit' }).state).toBe('exited');
  // At start-up, first-run dialogs may still follow: "starting" until the screen says otherwise.
  expect(run('SessionStart', real('SessionStart')).state).toBe('starting');
  expect(run('SessionStart', { source: 'resume' }).state).toBe('idle');
});

test('real Claude Code 2.1.332 inputs: question, permission, mode, error', () => {
  // AskUserQuestion: PreToolUse, then PermissionRequest ~50 ms later: both say question.
  const q = { state: 'waiting', reason: 'question', detail: 'Which database should we use?' };
  expect(
    run(
      'PreToolUse',
      real('PreToolUse', (x) => x.tool_name === 'AskUserQuestion'),
    ),
  ).toMatchObject(q);
  expect(
    run(
      'PermissionRequest',
      real('PermissionRequest', (x) => x.tool_name === 'AskUserQuestion'),
    ),
  ).toMatchObject(q);
  expect(
    run(
      'PermissionRequest',
      real('PermissionRequest', (x) => x.tool_name === 'Bash'),
    ),
  ).toEqual({
    state: 'waiting',
    reason: 'permission',
    detail: 'Bash touch "ran file.txt"',
    state_src: 'hook',
    mode: 'default',
  });
  expect(
    run(
      'PermissionRequest',
      real('PermissionRequest', (x) => x.tool_name === 'Write'),
    ).detail,
  ).toMatch(/^Write \S*notes\.txt$/);
  // StopFailure: error is "unknown"; the API's message is the last assistant message.
  expect(run('StopFailure', real('StopFailure'))).toMatchObject({
    state: 'error',
    reason: 'error',
    detail: 'API Error: 400 orchard mock: this request is refused',
  });
  expect(run('StopFailure', { error: 'rate_limit' }).detail).toBe('rate_limit');
});

test('notifications are told apart by notification_type, not by their text', () => {
  // idle_prompt ("Claude is waiting for your input", 60 s after a turn) changes no state.
  expect(
    run(
      'Notification',
      real('Notification', (x) => x.notification_type === 'idle_prompt'),
    ),
  ).toEqual({});
  expect(run('Notification', { message: 'Claude is waiting for your input' })).toEqual({});
  expect(
    run('Notification', { notification_type: 'auth_success', message: 'needs your permission' }),
  ).toEqual({});
  // permission_prompt: waiting(permission), unless the pane already waits (AskUserQuestion fires it too).
  const perm = real('Notification', (x) => x.notification_type === 'permission_prompt');
  expect(run('Notification', perm, 'working')).toMatchObject({ state: 'waiting', reason: 'permission' });
  expect(run('Notification', perm, 'waiting')).toEqual({});
  expect(
    run('Notification', { notification_type: 'elicitation_dialog', message: 'Pick a token' }),
  ).toMatchObject({
    state: 'waiting',
    reason: 'input',
    detail: 'Pick a token',
  });
});

test('the JSON reader honours escapes and only matches keys', () => {
  const detail = (command: string) =>
    run('PermissionRequest', { tool_name: 'Bash', tool_input: { command } }).detail;
  expect(detail('touch "ran file.txt"')).toBe('Bash touch "ran file.txt"');
  expect(detail('git commit -m "fix: a; b"')).toBe('Bash git commit -m "fix: a; b"');
  expect(detail('echo a\\b "c\\"d"')).toBe('Bash echo a\\b "c\\"d"');
  expect(detail('printf x\ny\tz')).toBe('Bash printf x y z');
  // \uXXXX and a surrogate pair, as JSON.stringify would not write them: by hand.
  const raw = '{"tool_name":"Edit","tool_input":{"file_path":"caf\\u00e9 \\u20ac \\ud83d\\ude00.txt"}}';
  expect(runRaw('PermissionRequest', raw).detail).toBe('Edit café € 😀.txt');
  // A key-looking text inside a value is data; a nested tool_name is not the top one.
  expect(
    run('PermissionRequest', {
      tool_name: 'Bash',
      tool_input: { description: '"file_path": "nope"', command: 'ls' },
      other: { tool_name: 'AskUserQuestion' },
    }).detail,
  ).toBe('Bash ls');
  // A long value is cut at 100 characters, not in the middle of a UTF-8 sequence.
  const long = detail('é'.repeat(300))!;
  expect(long).toBe(`Bash ${'é'.repeat(100)}`);
  expect(run('PermissionRequest', { tool_name: 'Mystery', tool_input: {} }).detail).toBe('Mystery');
});

test('hostile text stays data: no command runs, no tmux separator survives', () => {
  const evil = "x'; touch /tmp/orchard-pwned; $(touch /tmp/orchard-pwned2) `id` \\;";
  const r = run('PermissionRequest', { tool_name: 'Edit', tool_input: { file_path: evil } });
  expect(r.state).toBe('waiting');
  expect(r.detail).toBe(`Edit ${evil}`);
  expect(() => readFileSync('/tmp/orchard-pwned')).toThrow();
  expect(() => readFileSync('/tmp/orchard-pwned2')).toThrow();
  // Broken JSON: no crash, the hook still reports what it can.
  expect(runRaw('Stop', '{"permission_mode": "pla').state).toBe('idle');
  // Outside tmux (no TMUX_PANE) a hook does nothing and never fails.
  writeFileSync(log, '');
  execFileSync('sh', ['-c', hookCommand('Stop')], { input: '', env: { PATH: `${dir}:${process.env.PATH}` } });
  expect(readFileSync(log, 'utf8')).toBe('');
});

test("a profile's permission mode becomes --permission-mode; a bad one is refused at spawn", () => {
  const base = { id: 'p', command: ['claude'] };
  expect(claudeArgv(base, 'u-1', '/h/s.json')).toEqual([
    'claude',
    '--session-id',
    'u-1',
    '--settings',
    '/h/s.json',
  ]);
  expect(claudeArgv({ ...base, permissionMode: 'acceptEdits' }, 'u-1', '/s').slice(-2)).toEqual([
    '--permission-mode',
    'acceptEdits',
  ]);
  // "default" is what hook input calls the mode the CLI names "manual".
  expect(claudeArgv({ ...base, permissionMode: 'default' }, 'u-1', '/s').slice(-1)).toEqual(['manual']);
  expect(() => claudeArgv({ ...base, permissionMode: 'yolo; rm -rf /' }, 'u-1', '/s')).toThrow(
    /unknown permissionMode "yolo; rm -rf \/"/,
  );
});

// Hosts differ: Debian's mawk, gawk, macOS's one-true-awk, BusyBox on Alpine. The reader must agree
// on all of them; each one installed here is tried (at least the system's awk always is).
const AWKS: Array<[string, string[]]> = [
  ['awk', ['awk']],
  ['mawk', ['mawk']],
  ['gawk', ['gawk']],
  ['original-awk', ['original-awk']],
  ['busybox', ['busybox', 'awk']],
];

test('the JSON reader gives the same answers under every awk installed', () => {
  const where = (bin: string) => {
    try {
      return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', bin], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  // Absolute paths: the shim named awk must not run itself.
  const found = AWKS.map(([n, [bin, ...rest]]): [string, string[]] => [n, [where(bin!), ...rest]]).filter(
    ([, argv]) => argv[0],
  );
  expect(found.map(([n]) => n)).toContain('awk');
  const input = JSON.stringify({
    tool_name: 'Bash',
    tool_input: { command: 'git commit -m "fix: a; b" \\ café 😀;', description: '"command": "no"' },
  }).replace('😀', '\\ud83d\\ude00');
  for (const [name, argv] of found) {
    const shim = mkdtempSync(join(tmpdir(), `orchard-awk-${name}-`));
    try {
      writeFileSync(join(shim, 'awk'), `#!/bin/sh\nexec ${argv.join(' ')} "$@"\n`);
      chmodSync(join(shim, 'awk'), 0o755);
      writeFileSync(log, '');
      execFileSync('sh', ['-c', hookCommand('PermissionRequest')], {
        input,
        env: { PATH: `${shim}:${dir}:${process.env.PATH}`, TMUX_PANE: '%7' },
      });
      const line = readFileSync(log, 'utf8').split('\x1f');
      expect(line[line.indexOf('@orchard_detail') + 1], name).toBe(
        'Bash git commit -m "fix: a; b" \\ café 😀\\;',
      );
    } finally {
      rmSync(shim, { recursive: true, force: true });
    }
  }
});
