import { describe, expect, test } from 'vitest';
import { isDirtyStatus, parseBranchRefs, parseWorktreePorcelainZ } from '../../src/core/git/parse.ts';

describe('git worktree list --porcelain -z', () => {
  test('main, linked, detached, bare, locked and prunable worktrees', () => {
    const out = [
      'worktree /r',
      'HEAD 1111',
      'branch refs/heads/main',
      '',
      'worktree /r.worktrees/a b',
      'HEAD 2222',
      'branch refs/heads/feat/x$(y)',
      'locked',
      '',
      'worktree /r.worktrees/det',
      'HEAD 3333',
      'detached',
      'prunable gitdir file points to non-existent location',
      '',
      'worktree /bare',
      'bare',
      '',
      '',
    ].join('\0');
    expect(parseWorktreePorcelainZ(out)).toEqual([
      {
        path: '/r',
        head: '1111',
        branch: 'main',
        bare: false,
        detached: false,
        locked: false,
        prunable: false,
      },
      {
        path: '/r.worktrees/a b',
        head: '2222',
        branch: 'feat/x$(y)',
        bare: false,
        detached: false,
        locked: true,
        prunable: false,
      },
      {
        path: '/r.worktrees/det',
        head: '3333',
        branch: null,
        bare: false,
        detached: true,
        locked: false,
        prunable: true,
      },
      {
        path: '/bare',
        head: null,
        branch: null,
        bare: true,
        detached: false,
        locked: false,
        prunable: false,
      },
    ]);
  });

  test('a path with a newline survives (NUL-separated)', () => {
    const out = ['worktree /odd\npath', 'HEAD 1', 'branch refs/heads/m', '', ''].join('\0');
    expect(parseWorktreePorcelainZ(out)[0]?.path).toBe('/odd\npath');
  });
});

describe('git for-each-ref branch format', () => {
  const row = (...f: string[]) => f.join('\0');
  test('local with upstream, remote, symbolic HEAD skipped', () => {
    const out = [
      row(
        'refs/heads/main',
        'aaa',
        'origin/main',
        'ahead 2, behind 3',
        '2026-01-01T00:00:00+00:00',
        'fix: it',
        '',
      ),
      row(
        'refs/heads/solo',
        'bbb',
        '',
        '',
        '2026-01-02T00:00:00+00:00',
        'subject: with "quotes" and $(x)',
        '',
      ),
      row('refs/remotes/origin/HEAD', 'aaa', '', '', '', '', 'refs/remotes/origin/main'),
      row('refs/remotes/origin/feat', 'ccc', '', '', '2026-01-03T00:00:00+00:00', 'feat', ''),
      row('refs/heads/gone', 'ddd', 'origin/gone', 'gone', '2026-01-04T00:00:00+00:00', 'g', ''),
    ].join('\n');
    const b = parseBranchRefs(out);
    expect(b.map((x) => [x.name, x.kind])).toEqual([
      ['main', 'local'],
      ['solo', 'local'],
      ['origin/feat', 'remote'],
      ['gone', 'local'],
    ]);
    expect(b[0]).toMatchObject({
      upstream: 'origin/main',
      ahead: 2,
      behind: 3,
      lastCommit: { sha: 'aaa', subject: 'fix: it' },
    });
    expect(b[1]).toMatchObject({ upstream: null, ahead: 0, behind: 0 });
    expect(b[3]).toMatchObject({ upstream: 'origin/gone', ahead: 0, behind: 0 });
  });
});

test('status --porcelain -z: clean only when empty', () => {
  expect(isDirtyStatus('')).toBe(false);
  expect(isDirtyStatus('?? new.txt\0')).toBe(true);
  expect(isDirtyStatus(' M a.ts\0')).toBe(true);
});
