// The native signals of Codex (notify), Gemini CLI (hooks) and OpenCode (plugin), run as the CLIs
// run them (the event JSON as they send it: argv for notify, stdin for hooks, an event object for
// the plugin) against a real tmux pane, reading back the pane options they write.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CODEX_SIDE_TURN } from '../../src/core/agents/codex-signals.ts';
import { geminiSettings } from '../../src/core/agents/gemini-signals.ts';
import { agentSignals, withSignalArgs } from '../../src/core/agents/signals.ts';

let dir: string;
let sock: string;
let pane: string;
const tmux = (...args: string[]) => execFileSync('tmux', ['-S', sock, '-f', '/dev/null', ...args]).toString();
const env = () => ({ ...process.env, TMUX: `${sock},0,0`, TMUX_PANE: pane });
const state = () =>
  tmux(
    'display-message',
    '-p',
    '-t',
    pane,
    '#{@orchard_state}|#{@orchard_reason}|#{@orchard_detail}|#{@orchard_state_src}',
  ).trim();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchard-signals-'));
  sock = join(dir, 'tmux.sock');
  tmux('new-session', '-d', '-s', 't', '-x', '80', '-y', '10', 'sleep 600');
  pane = tmux('display-message', '-p', '-t', 't', '#{pane_id}').trim();
  for (const k of ['codex', 'gemini', 'opencode'] as const)
    for (const f of agentSignals(k, dir)!.files) writeFileSync(f.path, f.content);
});
afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  rmSync(dir, { recursive: true, force: true });
});

test('codex: notify turns a completed turn into idle; its own title turn is ignored', () => {
  const s = agentSignals('codex', dir)!;
  // `-c notify=[…]` after the program and before any subcommand (resume).
  expect(withSignalArgs(['codex'], s)).toEqual(['codex', '-c', `notify=["sh", "${dir}/codex-notify.sh"]`]);
  const notify = (j: object) =>
    execFileSync('sh', [`${dir}/codex-notify.sh`, JSON.stringify(j)], { env: env() });
  tmux('set-option', '-p', '-t', pane, '@orchard_state', 'working');
  notify({ type: 'agent-turn-complete', 'thread-id': 't2', 'input-messages': [`${CODEX_SIDE_TURN} …`] });
  expect(state()).toBe('working|||');
  notify({
    type: 'agent-turn-complete',
    'thread-id': 't1',
    'input-messages': ['say hi'],
    'last-assistant-message': 'Mock says: "hi"; done',
  });
  expect(state()).toBe('idle|||hook');
});

test('gemini: hooks map to working, waiting(permission with the command), waiting(question), idle, exited', () => {
  const s = agentSignals('gemini', dir)!;
  expect(s.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH).toBe(`${dir}/gemini-system-settings.json`);
  const hooks = geminiSettings(`${dir}/gemini-hook.sh`).hooks as Record<
    string,
    { hooks: { command: string }[] }[]
  >;
  const hook = (event: string, j: object) =>
    execFileSync('sh', ['-c', hooks[event]![0]!.hooks[0]!.command], { env: env(), input: JSON.stringify(j) });
  hook('BeforeAgent', { hook_event_name: 'BeforeAgent', prompt: 'go' });
  expect(state()).toBe('working|||hook');
  hook('Notification', {
    hook_event_name: 'Notification',
    notification_type: 'ToolPermission',
    message: 'Tool requires confirmation',
    details: { type: 'exec', title: 'Confirm Shell Command', command: 'git commit -m "fix: a; b"' },
  });
  expect(state()).toBe('waiting|permission|git commit -m "fix: a; b"|hook');
  hook('AfterTool', { hook_event_name: 'AfterTool', tool_name: 'run_shell_command' });
  expect(state()).toBe('working|||hook');
  hook('BeforeTool', {
    hook_event_name: 'BeforeTool',
    tool_name: 'ask_user',
    tool_input: { questions: [{ question: 'Which database?', header: 'DB' }] },
  });
  expect(state()).toBe('waiting|question|Which database?|hook');
  // ask_user's own confirmation does not turn the question into a permission.
  hook('Notification', { notification_type: 'ToolPermission', message: 'Tool requires confirmation' });
  expect(state()).toBe('waiting|question|Which database?|hook');
  hook('AfterAgent', { hook_event_name: 'AfterAgent' });
  expect(state()).toBe('idle|||hook');
  hook('SessionEnd', { hook_event_name: 'SessionEnd' });
  expect(state()).toBe('exited|||hook');
});

test('opencode: the plugin maps the event stream; a subagent going idle is not the turn ending', async () => {
  const s = agentSignals('opencode', dir)!;
  const url = JSON.parse(s.env.OPENCODE_CONFIG_CONTENT!).plugin[0] as string;
  expect(url).toBe(pathToFileURL(`${dir}/orchard-opencode-plugin.js`).href);
  const saved = { pane: process.env.TMUX_PANE, tmux: process.env.TMUX };
  process.env.TMUX_PANE = pane;
  process.env.TMUX = `${sock},0,0`;
  try {
    const mod = (await import(`${url}?t=${Date.now()}`)) as {
      OrchardStatus: () => Promise<{ event: (e: { event: unknown }) => Promise<void> }>;
    };
    const plugin = await mod.OrchardStatus();
    const send = async (type: string, properties: object) => {
      await plugin.event({ event: { type, properties } });
      await new Promise((r) => setTimeout(r, 150)); // the plugin does not wait for tmux
    };
    await send('session.status', { sessionID: 's1', status: { type: 'busy' } });
    expect(state()).toBe('working|||hook');
    await send('permission.asked', {
      id: 'p',
      sessionID: 's1',
      permission: 'bash',
      patterns: ['touch "x y"'],
    });
    expect(state()).toBe('waiting|permission|bash: touch "x y"|hook');
    await send('permission.replied', { sessionID: 's1', reply: 'once' });
    expect(state()).toBe('working|||hook');
    await send('session.created', { info: { id: 'child', parentID: 's1' } });
    await send('session.idle', { sessionID: 'child' });
    expect(state()).toBe('working|||hook');
    await send('question.asked', { id: 'q', sessionID: 's1', questions: [{ question: 'Which DB?' }] });
    expect(state()).toBe('waiting|question|Which DB?|hook');
    await send('session.idle', { sessionID: 's1' });
    expect(state()).toBe('idle|||hook');
    await send('session.error', {
      sessionID: 's1',
      error: { name: 'APIError', data: { message: 'HTTP 400: refused' } },
    });
    expect(state()).toBe('error|error|HTTP 400: refused|hook');
  } finally {
    for (const [k, v] of [
      ['TMUX_PANE', saved.pane],
      ['TMUX', saved.tmux],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
});

test('agents without native signals here get none (Claude Code has its own hooks)', () => {
  expect(agentSignals('claude', dir)).toBeNull();
  expect(agentSignals('custom', dir)).toBeNull();
  expect(withSignalArgs(['aider'], null)).toEqual(['aider']);
});
