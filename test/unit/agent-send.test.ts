// Per-profile send behaviour: which delay a text gets before its submit key.
import { expect, test } from 'vitest';
import { BUILTIN_PROFILES } from '../../src/core/agents/profiles.ts';
import { sendBehaviour, submitDelay } from '../../src/core/agents/send.ts';

const profile = (id: string) => BUILTIN_PROFILES.find((p) => p.id === id)!;

test('Gemini CLI gets its Enter apart from the paste; OpenCode for slash commands; Codex and Claude in one call', () => {
  const gemini = sendBehaviour(profile('gemini'));
  const opencode = sendBehaviour(profile('opencode'));
  expect(submitDelay('fix the tests', gemini)).toBeGreaterThanOrEqual(50);
  expect(submitDelay('/quit', gemini)).toBeGreaterThanOrEqual(submitDelay('fix', gemini));
  expect(submitDelay('fix the tests', opencode)).toBe(0);
  expect(submitDelay('/exit', opencode)).toBeGreaterThan(0);
  expect(submitDelay('  /exit', opencode)).toBeGreaterThan(0);
  // A path is not a slash command.
  expect(submitDelay('/ alone', opencode)).toBe(0);
  for (const id of ['claude', 'codex']) expect(submitDelay('/exit', sendBehaviour(profile(id)))).toBe(0);
  // A store profile's own behaviour wins over its kind's.
  expect(sendBehaviour({ kind: 'gemini', send: { submitKey: 'C-m' } })).toEqual({ submitKey: 'C-m' });
  expect(sendBehaviour(undefined)).toEqual({});
});
