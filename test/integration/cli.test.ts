// The CLI as a user runs it: tools missing or too old, usage errors, and the fork count of `ls`.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeEnv, makeRepo, runCli, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
});
afterAll(() => t.cleanup());

/** A PATH holding only node and git (and optionally a fake tmux): what a machine without tmux has. */
function restrictedPath(fakeTmux?: string): string {
  const bin = join(t.dir, `bin-${fakeTmux ? 'old' : 'none'}`);
  mkdirSync(bin, { recursive: true });
  const which = (x: string) =>
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', x], { encoding: 'utf8' }).trim();
  for (const tool of ['git', 'sh']) symlinkSync(which(tool), join(bin, tool));
  if (fakeTmux) {
    writeFileSync(join(bin, 'tmux'), `#!/bin/sh\necho "${fakeTmux}"\n`);
    chmodSync(join(bin, 'tmux'), 0o755);
  }
  return `${bin}:${dirname(process.execPath)}`;
}

describe('orchard CLI', () => {
  test('--version and --help', async () => {
    const v = await runCli(['--version'], t.env);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runCli(['--help'], t.env);
    expect(h.code).toBe(0);
    for (const word of [
      'repo add',
      'branches',
      'spawn',
      'ls',
      'send',
      'capture',
      'attach',
      'kill',
      'profiles',
    ])
      expect(h.stdout).toContain(`orchard ${word}`);
  });

  test('usage errors exit 2 with one line', async () => {
    const r = await runCli(['spawn', 'only-one-arg'], t.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^orchard: usage: orchard spawn <repo> <branch>/);
    const u = await runCli(['frobnicate'], t.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toBe('orchard: unknown command: frobnicate (see orchard --help)\n');
    const o = await runCli(['ls', '--bogus'], t.env);
    expect(o.code).toBe(2);
  });

  test('repo add / ls / rm with --json, and clear errors', async () => {
    const repo = makeRepo(t.dir, 'registered');
    const add = await runCli(['repo', 'add', repo, '--name', 'reg', '--json'], t.env);
    expect(JSON.parse(add.stdout)).toEqual({ name: 'reg', host: 'local', path: repo });
    const ls = await runCli(['repo', 'ls', '--json'], t.env);
    expect(JSON.parse(ls.stdout)).toEqual([{ name: 'reg', host: 'local', path: repo }]);
    const byName = await runCli(['branches', 'reg', '--json'], t.env);
    expect(JSON.parse(byName.stdout).map((b: { name: string }) => b.name)).toEqual(['main']);
    const missing = await runCli(['repo', 'add', join(t.dir, 'nowhere')], t.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^orchard: no such directory: .*nowhere/);
    const rm = await runCli(['repo', 'rm', 'reg'], t.env);
    expect(rm.code).toBe(0);
    expect(JSON.parse((await runCli(['repo', 'ls', '--json'], t.env)).stdout)).toEqual([]);
  });

  test('repo add of a registered path: another --name renames it, its own name or none says so', async () => {
    const repo = makeRepo(t.dir, 'renamed');
    expect((await runCli(['repo', 'add', repo, '--name', 'one'], t.env)).stdout).toBe(
      `added one (local:${repo})\n`,
    );
    const again = await runCli(['repo', 'add', repo], t.env);
    expect(again.stdout).toBe(`local:${repo} is already registered as one\n`);
    const renamed = await runCli(['repo', 'add', `${repo}/`, '--name', 'two', '--json'], t.env);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(JSON.parse(renamed.stdout)).toEqual({ name: 'two', host: 'local', path: repo });
    const human = await runCli(['repo', 'add', repo, '--name', 'three'], t.env);
    expect(human.stdout).toBe(`renamed two to three (local:${repo})\n`);
    const other = makeRepo(t.dir, 'other');
    expect((await runCli(['repo', 'add', other, '--name', 'four'], t.env)).code).toBe(0);
    const clash = await runCli(['repo', 'add', repo, '--name', 'four'], t.env);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe(`orchard: a repo named four is already registered (local:${other})\n`);
    const ls = JSON.parse((await runCli(['repo', 'ls', '--json'], t.env)).stdout) as { name: string }[];
    expect(ls.map((r) => r.name)).toEqual(['three', 'four']);
    for (const n of ['three', 'four']) expect((await runCli(['repo', 'rm', n], t.env)).code).toBe(0);
  });

  test('profiles lists the built-in agents with Claude Code', async () => {
    const r = await runCli(['profiles', '--json'], t.env);
    const ids = JSON.parse(r.stdout).map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['claude', 'codex', 'gemini', 'aider', 'opencode', 'fake']));
  });

  test('tmux missing or older than 3.2: a clear error', async () => {
    const none = await runCli(['ls'], { ...t.env, PATH: restrictedPath() });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('orchard: tmux is not installed or not on PATH\n');
    const old = await runCli(['ls'], { ...t.env, PATH: restrictedPath('tmux 3.1c') });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/tmux 3\.1 on local is too old: Orchard needs tmux >= 3\.2/);
  });

  test('`ls --json` forks a constant number of processes, not one per session', async () => {
    const repo = makeRepo(
      t.dir,
      'fifty',
      Array.from({ length: 50 }, (_, i) => `s${i}`),
    );
    const forks = async () => {
      const r = await runCli(['ls', '--json'], { ...t.env, ORCHARD_TRACE_EXEC: '1' });
      expect(r.code).toBe(0);
      return {
        n: JSON.parse(r.stdout).length as number,
        execs: r.stderr.split('\n').filter((l) => l.startsWith('[orchard exec]')),
      };
    };
    await t.engine.spawn({ repo, branch: 's0', command: 'sleep 600' });
    const one = await forks();
    expect(one.n).toBe(1);
    for (let i = 1; i < 50; i++) await t.engine.spawn({ repo, branch: `s${i}`, command: 'sleep 600' });
    const fifty = await forks();
    expect(fifty.n).toBe(50);
    expect(fifty.execs.length).toBe(one.execs.length);
    expect(fifty.execs.filter((l) => l.includes('list-panes'))).toHaveLength(1);
  });
});

test('under LANG=C (a service manager, a bare ssh exec) sessions are still seen', async () => {
  const repo = makeRepo(t.dir, 'lang-c', ['ünï']);
  const s = await t.engine.spawn({ repo, branch: 'ünï', command: 'sleep 600' });
  const r = await runCli(['ls', '--json'], { ...t.env, LANG: 'C', LC_ALL: 'C', LC_CTYPE: 'C' });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).find((x: { id: string }) => x.id === s.id)?.branch).toBe('ünï');
  await t.engine.kill(s.id, { removeWorktree: true });
});
