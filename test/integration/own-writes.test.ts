// Orchard's own files: the config is validated by one schema on read (a bad field is named), and a
// write on a full disk (a 1 MB tmpfs) says "no space left on <mount> (N MB free) writing <file>"
// and leaves no temp file behind; the file before the write is still whole.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JsonFileStore } from '../../src/core/store/json-store.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import { LastSeenSessions } from '../../src/core/ssh/last-seen.ts';
import { writeFileAtomic } from '../../src/core/util/atomic-write.ts';
import { mountOf } from '../../src/core/util/disk-space.ts';
import { runCli } from '../helpers/env.ts';

let dir: string;
let mnt: string;
let mounted = false;
let mountError = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchard-writes-'));
  mnt = join(dir, 'full');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    mountError = String((e as { stderr?: Buffer }).stderr ?? e).trim();
  }
});
afterAll(() => {
  if (mounted) execFileSync('umount', [mnt]);
  rmSync(dir, { recursive: true, force: true });
});

/** Fill the tmpfs but for `leave` bytes. */
function fill(leave = 0): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  let i = 0;
  try {
    for (;;) writeFileSync(join(mnt, `filler-${i++}`), chunk);
  } catch {
    // full
  }
  if (leave) rmSync(join(mnt, `filler-${i - 2}`));
}

describe('a full disk', () => {
  test('the config, the last-seen cache and host files: "no space left", no temp file', async (ctx) => {
    if (!mounted) ctx.skip(`cannot mount a tmpfs here: ${mountError}`);
    expect(mountOf(join(mnt, 'home', 'config.json'))).toBe(mnt);
    const home = join(mnt, 'home');
    const store = JsonFileStore.inHome(home);
    await store.update((c) => void c.repos.push({ name: 'kept', host: 'local', path: '/kept' }));
    fill();
    const big = 'x'.repeat(256 * 1024);
    const err = await store
      .update((c) => void c.repos.push({ name: big, host: 'local', path: '/big' }))
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      new RegExp(`^no space left on ${mnt} \\(0 MB free\\) writing ${join(home, 'config.json')}$`),
    );
    expect(readdirSync(home)).toEqual(['config.json']);
    expect((await store.read()).repos.map((r) => r.name)).toEqual(['kept']);

    // Through the CLI, as a user sees it (a full disk takes no page, however small the file).
    execFileSync('git', ['init', '-q', join(dir, 'repo')]);
    const add = await runCli(['repo', 'add', join(dir, 'repo'), '--name', 'second'], {
      ...process.env,
      ORCHARD_HOME: home,
    });
    expect(add.code).toBe(1);
    expect(add.stderr).toMatch(/^orchard: no space left on .* \(0 MB free\) writing .*config\.json\n$/);
    expect(readdirSync(home)).toEqual(['config.json']);

    const host = new LocalHost();
    await expect(host.writeFile(join(mnt, 'settings.json'), big)).rejects.toThrow(
      /^no space left on .* writing .*settings\.json$/,
    );
    const seen = new LastSeenSessions(join(mnt, 'last-seen'));
    await seen.set('h', [
      {
        id: big,
        repo: 'r',
        repoPath: '/r',
        branch: 'b',
        worktree: '/w',
        host: 'h',
        agent: 'a',
        state: 'idle',
        pid: 1,
        createdAt: '',
        tmuxSession: 's',
        paneId: '%1',
      },
    ]);
    const leftovers = readdirSync(mnt, { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  test('writeFileAtomic: other failures name the file, not the temp file', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    writeFileSync(join(ro, 'f'), 'x');
    // A directory where the file should be: rename fails (EISDIR), temp removed.
    mkdirSync(join(ro, 'd'));
    await expect(writeFileAtomic(join(ro, 'd'), 'y')).rejects.toThrow(/^cannot write .*\/ro\/d: E\w+/);
    expect(readdirSync(ro).sort()).toEqual(['d', 'f']);
  });
});

describe('config.json is validated by one schema on read', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'a repo without a path',
      { repos: [{ name: 'a', host: 'local' }] },
      /repos\[0\]\.path: must be a string/,
    ],
    [
      'a path that is a number',
      {
        repos: [
          { name: 'a', host: 'local', path: '/a' },
          { name: 'b', host: 'local', path: 7 },
        ],
      },
      /repos\[1\]\.path: must be a string/,
    ],
    ['repos not a list', { repos: { a: 1 } }, /repos: must be a list/],
    [
      'a bad agent kind',
      { profiles: [{ id: 'x', label: 'X', kind: 'robot', command: ['x'] }] },
      /profiles\[0\]\.kind: must be one of/,
    ],
    [
      'an empty command',
      { profiles: [{ id: 'x', label: 'X', kind: 'custom', command: [] }] },
      /profiles\[0\]\.command: must name a program/,
    ],
    [
      'a memory reserve in words',
      { preferences: { defaultAgent: 'claude', memoryReserve: '2G' } },
      /preferences\.memoryReserve: must be a number/,
    ],
    ['a host without a name', { hosts: [{ ssh: 'me@box' }] }, /hosts\[0\]\.name: must be a string/],
    ['another version', { version: 2 }, /version: must be 1/],
    ['an array', [], /must hold a JSON object/],
    ['not JSON', '{"repos": [', /is not valid JSON/],
  ];
  for (const [what, content, message] of cases)
    test(`${what}: a clear error naming the field`, async () => {
      const d = mkdtempSync(join(dir, 'cfg-'));
      const file = join(d, 'config.json');
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      const store = new JsonFileStore(file);
      await expect(store.read()).rejects.toThrow(message);
      await expect(store.read()).rejects.toThrow(new RegExp(`^config file ${file} `));
      // Nothing is lost: an update refuses too, and the file is as the user left it.
      const before = readFileSync(file, 'utf8');
      await expect(
        store.update((c) => void c.repos.push({ name: 'n', host: 'local', path: '/n' })),
      ).rejects.toThrow(message);
      expect(readFileSync(file, 'utf8')).toBe(before);
    });

  test('sections left out get defaults; unknown keys survive a write', async () => {
    const d = mkdtempSync(join(dir, 'cfg-'));
    const file = join(d, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({ repos: [{ name: 'a', host: 'local', path: '/a', extra: 1 }], future: { x: 1 } }),
    );
    const store = new JsonFileStore(file);
    const c = await store.read();
    expect(c.hosts).toEqual([]);
    expect(c.preferences.defaultAgent).toBe('claude');
    await store.update((x) => void x.hosts.push({ name: 'h' }));
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(saved.future).toEqual({ x: 1 });
    expect(saved.repos).toEqual([{ name: 'a', host: 'local', path: '/a', extra: 1 }]);
  });

  test('the CLI prints the error on one line and exits 1', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    writeFileSync(
      join(home, 'config.json'),
      JSON.stringify({ repos: [{ name: 'a', host: 'local', path: 7 }] }),
    );
    const r = await runCli(['repo', 'ls'], { ...process.env, ORCHARD_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `orchard: config file ${join(home, 'config.json')} is invalid: repos[0].path: must be a string; fix or remove it\n`,
    );
  });
});
