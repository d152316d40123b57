// The scan that refuses hostile JSON shapes before JSON.parse builds them.
import { describe, expect, test } from 'vitest';
import { jsonShapeProblem, MAX_JSON_DEPTH } from '../../src/core/rpc/json-shape.ts';

describe('jsonShapeProblem', () => {
  test('every message of the contract passes', () => {
    const ok = [
      { t: 'req', id: 1, ch: 'spawn', p: { repo: 'r', branch: 'b', limits: { memory: 1, cpu: 2 } } },
      { t: 'send', ch: 'terminalInput', p: { term: 't', data: '[[[{{{"\\"]]]' } },
      { t: 'send', ch: 'tabsChanged', p: { open: ['a', 'b'], active: null } },
    ];
    for (const m of ok) expect(jsonShapeProblem(JSON.stringify(m))).toBeNull();
  });

  test('deep nesting is refused at its first levels, whatever its length', () => {
    expect(jsonShapeProblem('['.repeat(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonShapeProblem('['.repeat(MAX_JSON_DEPTH + 1))).toMatch(/nested deeper than 32/);
    expect(jsonShapeProblem('{"a":'.repeat(4_000_000))).toMatch(/nested deeper/);
    expect(jsonShapeProblem(`{"p":${'['.repeat(4_000_000)}`)).toMatch(/nested deeper/);
  });

  test('brackets, quotes and backslashes inside strings do not count', () => {
    const s = JSON.stringify({ a: '['.repeat(1000) + '\\"' + '{'.repeat(1000) + '\\\\' });
    expect(jsonShapeProblem(s)).toBeNull();
    expect(jsonShapeProblem(`["\\\\"${',1'.repeat(10)}]`)).toBeNull();
    expect(jsonShapeProblem(`["\\"${'['.repeat(100)}"]`)).toBeNull();
  });

  test('a flood of values is refused; broken JSON is left to JSON.parse', () => {
    expect(jsonShapeProblem(`[${'1,'.repeat(20_000)}1]`)).toMatch(/more than 10000 values/);
    expect(jsonShapeProblem('{"a": "unterminated')).toBeNull();
    expect(jsonShapeProblem(']]]]')).toBeNull();
  });

  test('UTF-8 bytes get the same answer as the string, multi-byte characters included', () => {
    const texts = [
      JSON.stringify({ t: 'send', ch: 'terminalInput', p: { term: 't', data: 'é世🌳"[[{' } }),
      `{"a":"${'ü'.repeat(50)}\\",${'['.repeat(40)}`,
      `["\\"${'['.repeat(100)}"]`,
      `[${'1,'.repeat(20_000)}1]`,
      '{"a": "ünterminated',
    ];
    for (const text of texts) {
      const bytes = new TextEncoder().encode(text);
      expect(bytes.length).toBeGreaterThanOrEqual(text.length);
      expect(jsonShapeProblem(bytes)).toBe(jsonShapeProblem(text));
    }
    expect(jsonShapeProblem(Buffer.alloc(4_000_000, '['))).toMatch(/nested deeper than 32/);
  });
});
