// The screen model against real screens of Claude Code 2.1.332 (tmux capture-pane of the real CLI
// talking to the mock API of test/realagent, at 120 and 60 columns), and the screen-check policy.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import {
  judgeScreen,
  needsScreenCheck,
  verdictKey,
  verdictUpdate,
  type ScreenVerdict,
} from '../../src/core/status/screen-check.ts';
import { PANE_FIELDS, type PaneRecord } from '../../src/core/tmux/format.ts';
import { ScreenPass } from '../../src/core/status/screen-pass.ts';

const DIR = new URL('../fixtures/screens/claude-2.1.332/', import.meta.url);
const screen = (name: string) => readFileSync(new URL(`${name}.txt`, DIR), 'utf8');
const claude = { id: 'claude', kind: 'claude' as const };

const EXPECTED: Record<string, ScreenVerdict> = {
  'trust-dialog': {
    state: 'waiting',
    reason: 'setup',
    detail: 'Is this a project you created or one you trust?',
  },
  'auto-mode-offer': {
    state: 'waiting',
    reason: 'setup',
    detail: 'Make auto mode your default permission mode?',
  },
  'prompt-idle': { state: 'idle' },
  'turn-running': { state: 'working' },
  interrupted: { state: 'idle' },
  'permission-bash': { state: 'waiting', reason: 'permission', detail: 'Bash command: touch "ran file.txt"' },
  'permission-write': {
    state: 'waiting',
    reason: 'permission',
    detail: 'Create file: 1 written by the mock',
  },
  'permission-denied': { state: 'idle' },
  'ask-user-question': { state: 'waiting', reason: 'question', detail: 'Which database should we use?' },
  'api-error-400': { state: 'idle' },
  // A draft in the box hides "esc to interrupt": the spinner above it still says working.
  'tool-running-with-draft': { state: 'working' },
};

const variant = (name: string) => /-(60cols|light-90cols)$/.exec(name)?.[1] ?? '';

test('every captured screen has its expected verdict, at 120, 90 and 60 columns, dark and light', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
  expect(files.length).toBeGreaterThanOrEqual(17);
  for (const f of files) {
    const name = f.replace(/\.txt$/, '');
    const want = EXPECTED[name.replace(/-(60cols|light-90cols)$/, '')];
    expect(want, `no expectation for ${f}`).toBeDefined();
    const got = judgeScreen(screen(name), claude);
    // The narrow and the light-theme permission dialogs show other commands: their own detail.
    const command = { '60cols': 'git commit -m "fix: a; b"', 'light-90cols': 'touch x.txt' }[variant(name)];
    if (command && want!.state === 'waiting' && want!.reason === 'permission')
      expect(got, f).toEqual({ ...want, detail: `Bash command: ${command}` });
    else expect(got, f).toEqual(want);
  }
});

test('the region that matters decides, not the lowest matching line', () => {
  // An old question and an old "esc to interrupt" in the transcript do not outvote the input box.
  const idle = screen('prompt-idle');
  const noisy = idle.replace(
    '/tmp/cc-exp/proj\n',
    '/tmp/cc-exp/proj\n\n❯ Do you want to proceed?\n  ⎿ (esc to interrupt)\n  ❯ 1. Yes\n',
  );
  expect(judgeScreen(noisy, claude)).toEqual({ state: 'idle' });
  // A draft typed into the box (two lines) is still the box.
  const draft = idle.replace(/❯ \n/, '❯ a draft the user is typing\n  that wraps\n');
  expect(judgeScreen(draft, claude)).toEqual({ state: 'idle' });
  // Wider than captured: longer rules and padding change nothing.
  const wide = screen('permission-bash').replace(/─+/g, (r) => r + '─'.repeat(80));
  expect(judgeScreen(wide, claude)).toEqual(EXPECTED['permission-bash']);
  // A blank screen (the CLI still booting) and unrelated output say nothing.
  expect(judgeScreen('\n\n\n', claude)).toEqual({ state: 'unknown' });
  expect(judgeScreen('$ make\ncc -o x x.c\n', claude)).toEqual({ state: 'unknown' });
  expect(verdictKey({ state: 'waiting', reason: 'setup', detail: 'x' })).toBe('waiting:setup');
});

function pane(over: Partial<PaneRecord>): PaneRecord {
  const p = Object.fromEntries(PANE_FIELDS.map((f) => [f, ''])) as PaneRecord;
  return { ...p, pane_dead: '0', '@orchard_id': 'ab12', session_created: '1000', ...over };
}
const T = 2_000_000; // seconds
const now = T * 1000;

test('which panes get their screen read', () => {
  const old = String(T - 60);
  const fresh = String(T - 1);
  const check = (over: Partial<PaneRecord>, profile: { id: string; kind: 'claude' | 'custom' } = claude) =>
    needsScreenCheck(pane(over), profile, now);
  expect(check({ session_created: fresh })).toBe(true); // no hook yet: a trust dialog?
  expect(check({ session_created: String(T) })).toBe(false); // not yet drawn
  expect(check({ '@orchard_state': 'starting', '@orchard_state_at': fresh })).toBe(true);
  expect(check({ '@orchard_state': 'working', '@orchard_state_at': String(T) })).toBe(false);
  expect(check({ '@orchard_state': 'working', '@orchard_state_at': old })).toBe(true);
  expect(check({ '@orchard_state': 'waiting', '@orchard_state_at': old })).toBe(true);
  expect(
    check({ '@orchard_state': 'waiting', '@orchard_state_at': fresh, '@orchard_state_src': 'screen' }),
  ).toBe(true);
  expect(check({ '@orchard_state': 'idle', '@orchard_state_at': old })).toBe(false);
  // An idle the screen just wrote is looked at a little longer (a hook may have raced the write).
  expect(
    check({ '@orchard_state': 'idle', '@orchard_state_at': fresh, '@orchard_state_src': 'screen' }),
  ).toBe(true);
  expect(check({ '@orchard_state': 'idle', '@orchard_state_at': old, '@orchard_state_src': 'screen' })).toBe(
    false,
  );
  expect(check({ '@orchard_state': 'error', '@orchard_state_at': old })).toBe(false);
  expect(check({ '@orchard_state': 'working', pane_dead: '1' })).toBe(false);
  expect(check({ '@orchard_state': 'idle' }, { id: 'plain', kind: 'custom' })).toBe(true); // no hooks: always
  // Headless: no screen to read, its state comes from its stream.
  expect(
    check({ '@orchard_state': 'waiting', '@orchard_state_at': old, '@orchard_headless': 'stream-json' }),
  ).toBe(false);
  expect(check({ '@orchard_headless': 'argv' }, { id: 'plain', kind: 'custom' })).toBe(false);
});

test('a hook state is judged 1 s after it was first seen, not after its whole-second stamp', () => {
  // PermissionRequest wrote at T-0.99 s, stamped T-1: by the stamp it is 1 s old at T, but the
  // dialog it announces may not be drawn yet. The monitor saw it 10 ms ago: no look yet.
  const p = pane({
    '@orchard_state': 'waiting',
    '@orchard_reason': 'permission',
    '@orchard_state_at': String(T - 1),
  });
  expect(needsScreenCheck(p, claude, now)).toBe(true);
  expect(needsScreenCheck(p, claude, now, now - 10)).toBe(false);
  expect(needsScreenCheck(p, claude, now, now - 1000)).toBe(true);
  // Seen long ago: the stamp alone decides, as before.
  expect(needsScreenCheck(p, claude, now, now - 60_000)).toBe(true);

  // The screen pass keeps when it first saw each state: the same state again keeps its first time.
  const pass = new ScreenPass();
  const profiles = [{ id: 'claude', label: 'Claude Code', kind: 'claude' as const, command: ['claude'] }];
  const q = { ...p, pane_id: '%1', '@orchard_agent': 'claude' };
  expect(pass.needy([q], profiles, now)).toEqual([]);
  expect(pass.needy([q], profiles, now + 500)).toEqual([]);
  expect(pass.needy([q], profiles, now + 1000)).toEqual([q]);
  // A new hook state (a new stamp) starts over.
  const r = { ...q, '@orchard_state_at': String(T) };
  expect(pass.needy([r], profiles, now + 1100)).toEqual([]);
  expect(pass.needy([r], profiles, now + 2100)).toEqual([r]);
});

test('what a stable verdict writes', () => {
  const idle: ScreenVerdict = { state: 'idle' };
  const at = String(T - 10);
  // Denied or interrupted: the hook's stale state is corrected, marked as the screen's.
  expect(
    verdictUpdate(
      pane({ '@orchard_state': 'waiting', '@orchard_reason': 'permission', '@orchard_state_at': at }),
      claude,
      idle,
      now,
    ),
  ).toEqual({
    '@orchard_state': 'idle',
    '@orchard_reason': '',
    '@orchard_detail': '',
    '@orchard_state_at': String(T),
    '@orchard_state_src': 'screen',
  });
  expect(verdictUpdate(pane({ '@orchard_state': 'working' }), claude, idle, now)?.['@orchard_state']).toBe(
    'idle',
  );
  // The hook's waiting keeps its richer reason and detail.
  const perm: ScreenVerdict = { state: 'waiting', reason: 'permission', detail: 'Bash command: ls' };
  expect(
    verdictUpdate(pane({ '@orchard_state': 'waiting', '@orchard_reason': 'question' }), claude, perm, now),
  ).toBeNull();
  // A first-run dialog wins over anything, with its question.
  const setup: ScreenVerdict = { state: 'waiting', reason: 'setup', detail: 'Trust?' };
  expect(verdictUpdate(pane({ '@orchard_state': 'starting' }), claude, setup, now)).toMatchObject({
    '@orchard_state': 'waiting',
    '@orchard_reason': 'setup',
    '@orchard_detail': 'Trust?',
  });
  expect(verdictUpdate(pane({ '@orchard_state': 'starting' }), claude, idle, now)?.['@orchard_state']).toBe(
    'idle',
  );
  // Already so: nothing to write.
  expect(
    verdictUpdate(
      pane({ '@orchard_state': 'waiting', '@orchard_reason': 'setup', '@orchard_state_src': 'screen' }),
      claude,
      setup,
      now,
    ),
  ).toBeNull();
  expect(verdictUpdate(pane({ '@orchard_state': 'idle' }), claude, idle, now)).toBeNull();
  // Nothing recognisable: a hook's state stands; while booting nothing is said; then unknown.
  const unknown: ScreenVerdict = { state: 'unknown' };
  expect(verdictUpdate(pane({ '@orchard_state': 'working' }), claude, unknown, now)).toBeNull();
  expect(verdictUpdate(pane({ session_created: String(T - 1) }), claude, unknown, now)).toBeNull();
  expect(verdictUpdate(pane({}), claude, unknown, now)?.['@orchard_state']).toBe('unknown');
  expect(verdictUpdate(pane({ '@orchard_state': 'unknown' }), claude, unknown, now)).toBeNull();
});
