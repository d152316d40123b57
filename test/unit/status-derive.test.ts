// A session's state, source, permission mode and exit reason from its pane record.
import { expect, test } from 'vitest';
import { deriveState, stateProvenance } from '../../src/core/status/derive.ts';
import { paneToSession } from '../../src/core/sessions/list.ts';
import { PANE_FIELDS, type PaneRecord } from '../../src/core/tmux/format.ts';

function pane(over: Partial<PaneRecord>): PaneRecord {
  const p = Object.fromEntries(PANE_FIELDS.map((f) => [f, ''])) as PaneRecord;
  p.pane_dead = '0';
  p.session_created = '1000';
  p['@orchard_id'] = 'ab12';
  p.pane_pid = '42';
  return { ...p, ...over };
}

const NOW = 2_000_000_000;

test('SessionStart says starting: not idle until the prompt (or a dialog) is seen, or the grace ends', () => {
  const at = String(NOW / 1000 - 2);
  expect(deriveState(pane({ '@orchard_state': 'starting', '@orchard_state_at': at }), NOW)).toEqual({
    state: 'starting',
  });
  // Nothing checked the screen within the grace (no monitor runs): at the prompt, as before.
  expect(deriveState(pane({ '@orchard_state': 'starting', '@orchard_state_at': at }), NOW + 10_000)).toEqual({
    state: 'idle',
  });
  expect(deriveState(pane({ '@orchard_state': 'unknown' }), NOW)).toEqual({ state: 'unknown' });
  expect(
    deriveState(
      pane({ '@orchard_state': 'waiting', '@orchard_reason': 'setup', '@orchard_detail': 'trust?' }),
      NOW,
    ),
  ).toEqual({ state: 'waiting', reason: 'setup', detail: 'trust?' });
});

test("a failed agent's last words are its exit reason; a memory limit still wins", () => {
  const words = "Claude Code didn't start because this folder isn't trusted.";
  expect(
    deriveState(pane({ pane_dead: '1', '@orchard_exit': '1', '@orchard_last_words': words }), NOW),
  ).toEqual({
    state: 'exited',
    exitCode: 1,
    reason: words,
  });
  // A clean exit needs no reason.
  expect(
    deriveState(pane({ pane_dead: '1', '@orchard_exit': '0', '@orchard_last_words': 'bye' }), NOW),
  ).toEqual({
    state: 'exited',
    exitCode: 0,
  });
  const limits = JSON.stringify({ backend: 'cgroup1', memory: 150 * 1024 ** 2 });
  expect(
    deriveState(
      pane({
        pane_dead: '1',
        '@orchard_exit': '137',
        '@orchard_limits': limits,
        '@orchard_killed': 'memory',
        '@orchard_last_words': 'Killed',
      }),
      NOW,
    ).reason,
  ).toBe('killed: memory limit 150M');
});

test('provenance: hook or screen, since when, and the permission mode, in the session', () => {
  const p = pane({
    '@orchard_state': 'idle',
    '@orchard_state_src': 'screen',
    '@orchard_state_at': '1900000000',
    '@orchard_mode': 'acceptEdits',
  });
  expect(stateProvenance(p)).toEqual({
    permissionMode: 'acceptEdits',
    stateSource: 'screen',
    stateAt: new Date(1_900_000_000_000).toISOString(),
  });
  expect(stateProvenance(pane({ '@orchard_state': 'working', '@orchard_state_src': 'hook' }))).toEqual({
    stateSource: 'hook',
  });
  // An older pane without the field: the hook wrote it.
  expect(stateProvenance(pane({ '@orchard_state': 'working' })).stateSource).toBe('hook');
  // No state at all: no source to name.
  expect(stateProvenance(pane({}))).toEqual({});
  const s = paneToSession(p, 'local', [], NOW);
  expect(s).toMatchObject({
    id: 'ab12',
    state: 'idle',
    permissionMode: 'acceptEdits',
    stateSource: 'screen',
  });
});
