import { describe, expect, test } from 'vitest';
import { parseRawNumstat, splitPatch } from '../../src/core/review/diff.ts';
import { compareUrl, parseRemoteUrl } from '../../src/core/review/remote.ts';

describe('remote URLs', () => {
  test.each([
    ['git@github.com:acme/w.git', 'github.com', 'acme/w'],
    ['https://github.com/acme/w', 'github.com', 'acme/w'],
    ['ssh://git@github.com:22/acme/w.git', 'github.com', 'acme/w'],
    ['https://user@gitlab.com/g/sub/w.git/', 'gitlab.com', 'g/sub/w'],
    ['git://codeberg.org/a/b.git', 'codeberg.org', 'a/b'],
  ])('%s', (url, host, path) => expect(parseRemoteUrl(url)).toEqual({ host, path }));

  test('local paths and unknown forges give no URL', () => {
    expect(parseRemoteUrl('/srv/git/repo.git')).toBeNull();
    expect(compareUrl('/srv/git/repo.git', 'main', 'x')).toBeNull();
    expect(compareUrl('git@example.com:a/b.git', 'main', 'x')).toBeNull();
  });

  test('each forge its own compare page; branch names are encoded', () => {
    expect(compareUrl('git@github.com:a/b.git', 'main', 'feat/x#1')).toBe(
      'https://github.com/a/b/compare/main...feat/x%231?expand=1',
    );
    expect(compareUrl('git@bitbucket.org:a/b.git', 'main', 'f&x')).toBe(
      'https://bitbucket.org/a/b/pull-requests/new?source=f%26x&dest=main',
    );
    expect(compareUrl('https://gitea.example.com/a/b.git', 'dev', 'f')).toBe(
      'https://gitea.example.com/a/b/compare/dev...f',
    );
    expect(compareUrl('git@gitlab.com:a/b.git', 'main', 'f')).toBe(
      'https://gitlab.com/a/b/-/merge_requests/new?merge_request%5Bsource_branch%5D=f&merge_request%5Btarget_branch%5D=main',
    );
  });
});

describe('diff output', () => {
  test('raw + numstat with a rename, a binary and a tab in a name', () => {
    const z = '0000000000000000000000000000000000000000';
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const out = [
      `:100644 100644 ${a} ${b} M`,
      'x\ty.txt',
      `:100644 100644 ${a} ${a} R100`,
      'old.txt',
      'new.txt',
      `:000000 100644 ${z} ${b} A`,
      'bin.dat',
      '3\t1\tx\ty.txt',
      '0\t0\t',
      'old.txt',
      'new.txt',
      '-\t-\tbin.dat',
      '',
    ].join('\0');
    const files = parseRawNumstat(out.split('\0')).entries.map((e) => e.file);
    expect(files).toEqual([
      expect.objectContaining({ path: 'x\ty.txt', status: 'modified', additions: 3, deletions: 1 }),
      expect.objectContaining({ path: 'new.txt', oldPath: 'old.txt', status: 'renamed', additions: 0 }),
      expect.objectContaining({ path: 'bin.dat', status: 'added', binary: true }),
    ]);
  });

  test('a patch splits per file, content that looks like a header does not', () => {
    const p =
      'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-diff --git a b\n+y\ndiff --git a/z b/z\n+z\n';
    expect(splitPatch(p)).toHaveLength(2);
  });
});
