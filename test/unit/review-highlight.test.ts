// The Changes view's own highlighting path (src/renderer/src/changes/highlight.ts): lines placed at
// their numbers, highlighted once per side, split back into per-line token lists.
import { describe, expect, test } from 'vitest';
import { parseDiff } from 'react-diff-view';
import { highlightHunks, languageOf, splitLines } from '../../src/renderer/src/changes/highlight.ts';

const text = (nodes: unknown[]): string =>
  (nodes as Array<{ type: string; value?: string; children?: unknown[] }>)
    .map((n) => (n.type === 'text' ? (n.value ?? '') : text(n.children ?? [])))
    .join('');

describe('highlight', () => {
  test('a token spanning lines is split, text kept exactly', () => {
    const lines = splitLines([
      { type: 'text', value: 'a\n' },
      {
        type: 'element',
        tagName: 'span',
        properties: { className: ['token', 'comment'] },
        children: [{ type: 'text', value: '/* x\ny */' }],
      },
      { type: 'text', value: ' b' },
    ]);
    expect(lines.map(text)).toEqual(['a', '/* x', 'y */ b']);
    expect(JSON.stringify(lines[2])).toContain('comment');
  });

  test('hunk lines land on their line numbers, per side', () => {
    const patch = [
      'diff --git a/x.ts b/x.ts',
      'index 1111111..2222222 100644',
      '--- a/x.ts',
      '+++ b/x.ts',
      '@@ -10,3 +10,3 @@',
      ' const a = 1;',
      '-const b = "old";',
      '+const b = "new";',
      ' const c = 3;',
      '',
    ].join('\n');
    const [file] = parseDiff(patch);
    const t = highlightHunks(file!.hunks, 'typescript');
    expect(text(t.old[10]!)).toBe('const b = "old";');
    expect(text(t.new[10]!)).toBe('const b = "new";');
    expect(text(t.new[9]!)).toBe('const a = 1;');
    expect(JSON.stringify(t.new[10])).toContain('string');
  });

  test('language by file name', () => {
    expect(languageOf('src/a.tsx')).toBe('tsx');
    expect(languageOf('x/Dockerfile')).toBe('bash');
    expect(languageOf('notes')).toBeNull();
  });
});
