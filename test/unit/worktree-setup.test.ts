// Pure parts of "new worktrees ready to work": df / du parsing and the disk admission decision
// (with a fake statfs: df output as a host would print it), settings, and the fixed scripts' syntax.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { COPY_SCRIPT } from '../../src/core/git/worktree-include.ts';
import {
  admitDisk,
  DEFAULT_DISK_RESERVE,
  DF_SCRIPT,
  DiskMeter,
  diskAdmissionError,
  DU_SCRIPT,
  parseDf,
  parseDu,
} from '../../src/core/monitor/disk.ts';
import { applySettings, sha256 } from '../../src/core/sessions/scripts.ts';
import { SETUP_WRAPPER } from '../../src/core/sessions/setup.ts';
import { TEARDOWN_RUNNER } from '../../src/core/sessions/teardown.ts';
import type { Host } from '../../src/core/hosts/host.ts';
import type { HostContext } from '../../src/core/hosts/registry.ts';
import type { RepoConfig } from '../../src/shared/model.ts';

const DF = (avail: number, mount = '/srv/my disk') =>
  `Filesystem     1024-blocks    Used Available Capacity Mounted on\n/dev/sdb1 1000000 10 ${avail} 1% ${mount}\n`;

/** A host whose only command is df, answering with a fixed free space (a fake statfs). */
function fakeDfHost(avail: number): { ctx: HostContext; argv: string[][] } {
  const argv: string[][] = [];
  const host = {
    name: 'box',
    exec: async (a: readonly string[]) => {
      argv.push([...a]);
      return { code: 0, stdout: DF(avail), stderr: '' };
    },
  } as unknown as Host;
  return { ctx: { host, tmux: undefined as never, home: async () => '/h' }, argv };
}

describe('disk', () => {
  test('df -Pk: available bytes and a mount point with spaces', () => {
    expect(parseDf(DF(2048))).toEqual({ available: 2048 * 1024, mount: '/srv/my disk' });
    expect(parseDf('df: /x: No such file or directory\n')).toBeNull();
  });

  test('du: sizes in order, "-" for a path du could not read', () => {
    const m = parseDu('12\n-\n3\n', ['/a', '/b', '/c']);
    expect([...m]).toEqual([
      ['/a', 12 * 1024],
      ['/c', 3 * 1024],
    ]);
  });

  test('admission: refused below the reserve with a clear message, admitted at or above it', () => {
    const free = { available: 100 * 1024 ** 2, mount: '/mnt/small' };
    const err = diskAdmissionError('box', '/mnt/small/r.worktrees/b', free, DEFAULT_DISK_RESERVE);
    expect(err?.code).toBe('admission-refused');
    expect(err?.message).toBe(
      'not enough disk on box for a new worktree at /mnt/small/r.worktrees/b: 100M free on /mnt/small, ' +
        'but Orchard keeps 5G free (use --force to spawn anyway, or lower the diskReserve preference)',
    );
    expect(
      diskAdmissionError('box', '/p', { ...free, available: DEFAULT_DISK_RESERVE }, DEFAULT_DISK_RESERVE),
    ).toBeNull();
  });

  test('admitDisk over a fake statfs: the path goes as an argument; preference, --force', async () => {
    const small = fakeDfHost(1024);
    await expect(admitDisk(small.ctx, "/w/it's $(x)", { defaultAgent: 'a' })).rejects.toThrow(
      /not enough disk on box/,
    );
    expect(small.argv[0]).toEqual(['sh', '-c', DF_SCRIPT, 'orchard-df', "/w/it's $(x)"]);
    await expect(
      admitDisk(small.ctx, '/w', { defaultAgent: 'a', diskReserve: 512 * 1024 }),
    ).resolves.toBeUndefined();
    await expect(admitDisk(small.ctx, '/w', { defaultAgent: 'a' }, true)).resolves.toBeUndefined();
    expect(small.argv).toHaveLength(2); // --force asks nothing
  });
});

describe('disk meter', () => {
  const pane = (id: string, worktree: string, extra: Record<string, string> = {}) =>
    ({ '@orchard_id': id, '@orchard_worktree': worktree, '@orchard_owns_worktree': '1', ...extra }) as never;

  test('one du exec per host for every worktree; cached for a minute; again when a setup ends', async () => {
    const argv: string[][] = [];
    const host = {
      name: 'box',
      exec: async (a: readonly string[]) => {
        argv.push([...a]);
        return {
          code: 0,
          stdout: a
            .slice(4)
            .map((_, i) => `${(i + 1) * 100}\n`)
            .join(''),
          stderr: '',
        };
      },
    } as unknown as Host;
    const ctx = { host, tmux: undefined as never, home: async () => '/h' } as HostContext;
    const meter = new DiskMeter(60_000);
    const setupRunning = [pane('a', '/w/a', { '@orchard_setup': 'running' }), pane('b', '/w/b')];
    const main = pane('c', '/repo', { '@orchard_owns_worktree': '' });
    const first = await meter.sizes(ctx, [...setupRunning, main], true);
    expect(argv).toEqual([['sh', '-c', DU_SCRIPT, 'orchard-du', '/w/a', '/w/b']]);
    expect([...first]).toEqual([
      ['/w/a', 100 * 1024],
      ['/w/b', 200 * 1024],
    ]);
    await meter.sizes(ctx, [...setupRunning, main], true);
    expect(argv).toHaveLength(1);
    // a's setup is over: node_modules may have landed, measure again.
    await meter.sizes(ctx, [pane('a', '/w/a'), pane('b', '/w/b')], true);
    expect(argv).toHaveLength(2);
    const stats = [{ stats: {} as { disk?: number }, pane: pane('b', '/w/b') }];
    await meter.annotate(ctx, stats, [pane('a', '/w/a'), pane('b', '/w/b')]);
    expect(stats[0]!.stats.disk).toBe(200 * 1024);
    expect(argv).toHaveLength(2);
  });
});

describe('repo settings and trust', () => {
  test('set, replace and clear setup, teardown and include', () => {
    const r: RepoConfig = { name: 'r', host: 'local', path: '/r' };
    applySettings(r, { setup: 'npm ci', include: ['.env', ' '] });
    expect(r).toMatchObject({ setup: 'npm ci', include: ['.env'] });
    applySettings(r, { setup: '', teardown: 'make down', include: null });
    expect(r.setup).toBeUndefined();
    expect(r.include).toBeUndefined();
    expect(r.teardown).toBe('make down');
  });

  test('sha256 of the exact content', () => {
    expect(sha256('echo hi\n')).toBe(
      execFileSync('sha256sum', { input: 'echo hi\n', encoding: 'utf8' }).split(' ')[0],
    );
    expect(sha256('echo hi\n')).not.toBe(sha256('echo hi \n'));
  });

  test('the fixed scripts parse in POSIX sh', () => {
    for (const s of [SETUP_WRAPPER, COPY_SCRIPT, DU_SCRIPT, DF_SCRIPT, TEARDOWN_RUNNER])
      expect(() => execFileSync('sh', ['-n', '-c', s])).not.toThrow();
  });
});
