import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { branchSlug } from '../../src/core/util/slug.ts';
import { defaultWorktreeRoot, parseRepoRef, worktreePathFor } from '../../src/core/repos.ts';
import { JsonFileStore } from '../../src/core/store/json-store.ts';
import { orchardHome } from '../../src/core/store/store.ts';

describe('branch slugs', () => {
  const hostile = [
    'x$(touch${IFS}pwned)',
    'a;b',
    '`q`',
    `it's"q"`,
    'a&&b',
    'ünï/cødé-😀',
    '../../etc',
    '.hidden',
    'semi;',
    'Feature/Login',
    'feature/login',
    'feature-login',
    'a/b',
    'a-b',
  ];
  test('filesystem safe: no separators, no leading dot or dash, bounded length', () => {
    for (const b of [...hostile, 'x'.repeat(300)]) {
      const s = branchSlug(b);
      expect(s).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(s).not.toContain('..');
      expect(s.length).toBeLessThanOrEqual(80);
    }
  });
  test('unique even where sanitizing collides', () => {
    const slugs = hostile.map(branchSlug);
    expect(new Set(slugs).size).toBe(hostile.length);
    expect(new Set(slugs.map((s) => s.toLowerCase())).size).toBe(hostile.length);
  });
  test('plain names stay readable', () => {
    expect(branchSlug('main')).toBe('main');
    expect(branchSlug('fix-123')).toBe('fix-123');
    expect(branchSlug('feature/login')).toMatch(/^feature-login-[0-9a-f]{8}$/);
  });
});

describe('repo refs and worktree paths', () => {
  test('host:path only for known remote hosts; else a local path', () => {
    expect(parseRepoRef('devbox:/srv/app', ['local', 'devbox'])).toEqual({
      host: 'devbox',
      path: '/srv/app',
    });
    expect(parseRepoRef('/a:b/c', ['local', 'devbox'])).toEqual({ host: 'local', path: '/a:b/c' });
    expect(parseRepoRef('rel/x', ['local'], '/base')).toEqual({ host: 'local', path: '/base/rel/x' });
    expect(() => parseRepoRef('devbox:relative', ['local', 'devbox'])).toThrow(/absolute/);
  });
  test('default and configured worktree roots', () => {
    expect(defaultWorktreeRoot({ path: '/src/app' })).toBe('/src/app.worktrees');
    expect(worktreePathFor({ name: 'app', host: 'local', path: '/src/app' }, 'main')).toBe(
      '/src/app.worktrees/main',
    );
    expect(
      worktreePathFor({ name: 'app', host: 'local', path: '/src/app', worktreeRoot: '/wt' }, 'main'),
    ).toBe('/wt/main');
  });
});

describe('config store', () => {
  test('ORCHARD_HOME, else the platform config dir for "Orchard"', () => {
    expect(orchardHome({ ORCHARD_HOME: '/x' }, 'linux')).toBe('/x');
    expect(orchardHome({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Orchard');
    expect(orchardHome({}, 'darwin')).toMatch(/Library\/Application Support\/Orchard$/);
    expect(orchardHome({ APPDATA: 'C:\\AppData' }, 'win32')).toMatch(/Orchard$/);
  });
  test('atomic JSON writes, serialized updates, defaults when missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchard-store-'));
    try {
      const store = JsonFileStore.inHome(dir);
      expect((await store.read()).repos).toEqual([]);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.update((c) => {
            c.repos.push({ name: `r${i}`, host: 'local', path: `/r${i}` });
          }),
        ),
      );
      const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      expect(saved.repos).toHaveLength(20);
      expect(saved.version).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
