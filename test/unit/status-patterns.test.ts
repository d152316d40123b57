import { expect, test } from 'vitest';
import { deriveState } from '../../src/core/status/derive.ts';
import { encodeVerdict, matchScreen, patternsFor, ScreenDebouncer } from '../../src/core/status/patterns.ts';
import { PANE_FIELDS, type PaneRecord } from '../../src/core/tmux/format.ts';

const custom = patternsFor({ id: 'custom', kind: 'custom' });

// The fake agent's screens, as `tmux capture-pane -p` prints them.
const BANNER = '╭────╮\n│ ✻ Welcome to Fake Claude Code! │\n╰────╯\n  cwd: /tmp/x\n';
const WORKING = `${BANNER}\n> sleep 4000\n\n✻ Working… (esc to interrupt)\n\n\n`;
const ASKING = `${BANNER}\n> edit notes.txt\n✻ Working… (esc to interrupt)\n\nDo you want to make this edit to notes.txt?\n❯ 1. Yes\n  2. No\n`;
const DONE = `${ASKING}1\n\n● Edited notes.txt\n\n> \n\n`;

test('the bottom-most matching line decides', () => {
  expect(matchScreen(WORKING, custom)).toEqual({ state: 'working' });
  expect(matchScreen(ASKING, custom)).toEqual({ state: 'waiting', reason: 'permission' });
  // The old question is still on screen, above a fresh prompt: idle.
  expect(matchScreen(DONE, custom)).toEqual({ state: 'idle' });
  expect(matchScreen('', custom)).toBeNull();
  expect(matchScreen('just some output\n', custom)).toBeNull();
});

test('per-kind patterns: codex, gemini, aider, opencode', () => {
  const codex = patternsFor({ id: 'codex', kind: 'codex' });
  expect(matchScreen('▌ Allow command?\n▌ Yes  No', codex)).toEqual({
    state: 'waiting',
    reason: 'permission',
  });
  expect(matchScreen('• Working (12s • esc to interrupt)', codex)).toEqual({ state: 'working' });
  const gemini = patternsFor({ id: 'gemini', kind: 'gemini' });
  expect(matchScreen('⠏ Thinking (esc to cancel, 3s)', gemini)).toEqual({ state: 'working' });
  expect(matchScreen('> Type your message or @path/to/file', gemini)).toEqual({ state: 'idle' });
  expect(matchScreen('Allow execution of: git status?', gemini)).toEqual({
    state: 'waiting',
    reason: 'permission',
  });
  const aider = patternsFor({ id: 'aider', kind: 'aider' });
  expect(matchScreen('Create new file notes.txt? (Y)es/(N)o [Yes]:', aider)).toMatchObject({
    state: 'waiting',
  });
  expect(matchScreen('architect> ', aider)).toEqual({ state: 'idle' });
  const opencode = patternsFor({ id: 'opencode', kind: 'opencode' });
  expect(matchScreen('Permission required: bash\nAllow once  Allow always  Reject', opencode)).toMatchObject({
    state: 'waiting',
  });
});

test("a profile's own patterns come first; a broken one is skipped", () => {
  const p = patternsFor({
    id: 'mine',
    kind: 'custom',
    screenPatterns: { question: ['^QUESTION:'], working: ['(unclosed'] },
  });
  expect(matchScreen('QUESTION: which one?', p)).toEqual({ state: 'waiting', reason: 'question' });
  expect(encodeVerdict({ state: 'waiting', reason: 'question' })).toBe('waiting:question');
});

test('debounce: a verdict counts once two captures agree', () => {
  const d = new ScreenDebouncer();
  expect(d.offer('%1', 'working')).toBeUndefined();
  expect(d.offer('%1', 'working')).toBe('working');
  expect(d.offer('%1', 'idle')).toBeUndefined();
  expect(d.offer('%1', 'idle')).toBe('idle');
  d.forget(new Set());
  expect(d.offer('%1', 'idle')).toBeUndefined();
});

function pane(over: Partial<PaneRecord>): PaneRecord {
  const p = Object.fromEntries(PANE_FIELDS.map((f) => [f, ''])) as PaneRecord;
  p.pane_dead = '0';
  p.session_created = '1000';
  return { ...p, ...over };
}

test('derive: hooks beat the screen; the screen beats the starting/idle fallback', () => {
  const now = 2_000_000;
  expect(deriveState(pane({ '@orchard_screen': 'waiting:permission' }), now)).toEqual({
    state: 'waiting',
    reason: 'permission',
  });
  expect(deriveState(pane({ '@orchard_state': 'working', '@orchard_screen': 'idle' }), now)).toEqual({
    state: 'working',
  });
  expect(
    deriveState(
      pane({ '@orchard_state': 'waiting', '@orchard_reason': 'permission', '@orchard_detail': 'Edit a.txt' }),
      now,
    ),
  ).toEqual({ state: 'waiting', reason: 'permission', detail: 'Edit a.txt' });
  expect(deriveState(pane({ '@orchard_state': 'error', '@orchard_detail': 'rate limited' }), now)).toEqual({
    state: 'waiting',
    reason: 'error',
    detail: 'rate limited',
  });
  expect(deriveState(pane({ session_created: String(now / 1000) }), now).state).toBe('starting');
  expect(deriveState(pane({}), now).state).toBe('idle');
});

test('derive: a dead pane says when a memory limit killed it', () => {
  const limits = JSON.stringify({ backend: 'cgroup1', memory: 150 * 1024 ** 2 });
  const dead = { pane_dead: '1', '@orchard_exit': '137', '@orchard_limits': limits };
  expect(deriveState(pane({ ...dead, '@orchard_killed': 'memory' }), 0)).toEqual({
    state: 'exited',
    exitCode: 137,
    reason: 'killed: memory limit 150M',
  });
  expect(deriveState(pane({ ...dead, '@orchard_killed': 'memory-soft' }), 0).reason).toMatch(/soft limit/);
  expect(deriveState(pane(dead), 0).reason).toBe('killed (SIGKILL) under memory limit 150M');
  expect(deriveState(pane({ pane_dead: '1', '@orchard_exit': '3' }), 0)).toEqual({
    state: 'exited',
    exitCode: 3,
  });
  expect(deriveState(pane({ pane_dead: '1', pane_dead_status: '' }), 0)).toEqual({ state: 'exited' });
});
