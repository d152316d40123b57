import { describe, expect, test } from 'vitest';
import { FIELD_SEP, RECORD_END, tmuxFormatLiteral, tmuxLiteral } from '../../src/core/tmux/escape.ts';
import { PANE_FIELDS, parsePanes, parseTmuxVersion } from '../../src/core/tmux/format.ts';
import { deriveState } from '../../src/core/status/derive.ts';
import type { PaneRecord } from '../../src/core/tmux/format.ts';

const pane = (over: Partial<PaneRecord>): PaneRecord => {
  const rec = Object.fromEntries(PANE_FIELDS.map((f) => [f, ''])) as PaneRecord;
  return { ...rec, session_created: '1000', pane_dead: '0', ...over };
};

describe('tmux argument escaping', () => {
  test('a trailing ; is escaped so tmux does not end the command there', () => {
    expect(tmuxLiteral('a;')).toBe('a\\;');
    expect(tmuxLiteral(';')).toBe('\\;');
    expect(tmuxLiteral('a\\;')).toBe('a\\\\;');
    expect(tmuxLiteral('a;b')).toBe('a;b');
  });
  test('format arguments double every #', () => {
    expect(tmuxFormatLiteral('/p/#(rm -rf x)/#{pane_id}')).toBe('/p/##(rm -rf x)/##{pane_id}');
  });
});

describe('list-panes parsing', () => {
  test('records end with RECORD_END; values may hold newlines and tabs', () => {
    const values = PANE_FIELDS.map((f) => (f === '@orchard_branch' ? 'b\n\tx' : f === 'pane_id' ? '%3' : ''));
    const line = values.join(FIELD_SEP) + RECORD_END;
    const recs = parsePanes(line + '\n' + line + '\n');
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({ pane_id: '%3', '@orchard_branch': 'b\n\tx' });
  });
  test('a record with the wrong field count is skipped, not misread', () => {
    expect(parsePanes(`a${FIELD_SEP}b${RECORD_END}\n`)).toEqual([]);
  });
  test('versions', () => {
    expect(parseTmuxVersion('tmux 3.3a')).toEqual([3, 3]);
    expect(parseTmuxVersion('tmux 3.1c')).toEqual([3, 1]);
    expect(parseTmuxVersion('tmux next-3.6')).toEqual([3, 6]);
    expect(parseTmuxVersion('tmux master')).toEqual([99, 0]);
    expect(parseTmuxVersion('bash: tmux: not found')).toBeNull();
  });
});

describe('state from the pane', () => {
  const now = 2_000_000;
  test('hook state wins while the pane lives', () => {
    expect(deriveState(pane({ '@orchard_state': 'working' }), now)).toEqual({ state: 'working' });
    expect(deriveState(pane({ '@orchard_state': 'waiting', '@orchard_reason': 'permission' }), now)).toEqual({
      state: 'waiting',
      reason: 'permission',
    });
    expect(deriveState(pane({ '@orchard_state': 'error' }), now)).toEqual({
      state: 'waiting',
      reason: 'error',
    });
  });
  test('a dead pane is exited, with the wrapper-recorded code first', () => {
    expect(deriveState(pane({ pane_dead: '1', pane_dead_status: '', '@orchard_exit': '3' }), now)).toEqual({
      state: 'exited',
      exitCode: 3,
    });
    expect(
      deriveState(pane({ pane_dead: '1', pane_dead_status: '0', '@orchard_state': 'working' }), now),
    ).toEqual({
      state: 'exited',
      exitCode: 0,
    });
    expect(deriveState(pane({ pane_dead: '1' }), now)).toEqual({ state: 'exited' });
  });
  test('no hook: starting during the grace period, then idle', () => {
    expect(deriveState(pane({ session_created: String(now / 1000 - 1) }), now).state).toBe('starting');
    expect(deriveState(pane({ session_created: String(now / 1000 - 60) }), now).state).toBe('idle');
  });
});

test('CLI tables show control characters instead of sending them to the terminal', async () => {
  const { table } = await import('../../src/cli/format.ts');
  const out = table([['SUBJECT'], ['fix \x1b]52;c;ZXZpbA==\x07 \x1b[2J done']]);
  expect(out.includes(String.fromCharCode(27))).toBe(false);
  expect(out).toContain('fix \\x1b]52;c;ZXZpbA==\\x07 \\x1b[2J done');
});
