// Spawn is one operation: a later failure undoes what it made, a branch it created included.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createRequire } from 'node:module';
import type { ExecOptions, ExecResult } from '../../src/core/hosts/host.ts';
import { LocalHost } from '../../src/core/hosts/local.ts';
import { CLI, git, makeEnv, makeRepo, waitFor, type TestEnv } from '../helpers/env.ts';

/** The real local host, except that tmux new-session fails the way it would on a broken server. */
class NewSessionFails extends LocalHost {
  override exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    if (argv[0] === 'tmux' && argv.includes('new-session'))
      return Promise.resolve({ code: 1, stdout: '', stderr: 'create window failed: fork failed' });
    return super.exec(argv, opts);
  }
}

/** tmux makes the session, but the call still reports a failure (as a dropped SSH connection would). */
class FailsAfterNewSession extends LocalHost {
  override async exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    const r = await super.exec(argv, opts);
    if (argv[0] === 'tmux' && argv.includes('new-session'))
      return { code: 1, stdout: '', stderr: 'lost connection' };
    return r;
  }
}

let t: TestEnv;
let broken: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
  broken = await makeEnv({ local: new NewSessionFails() });
});
afterAll(() => {
  t.cleanup();
  broken.cleanup();
});

test('tmux failing after the worktree was made: the worktree and the branch it created are rolled back', async () => {
  const repo = makeRepo(broken.dir, 'repo', ['existing']);
  await expect(broken.engine.spawn({ repo, branch: 'existing' })).rejects.toThrow(/fork failed/);
  expect(existsSync(join(broken.dir, 'repo.worktrees', 'existing'))).toBe(false);
  expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain('repo.worktrees');
  await expect(broken.engine.spawn({ repo, branch: 'brand-new', newBranch: true })).rejects.toThrow(
    /fork failed/,
  );
  expect(existsSync(join(broken.dir, 'repo.worktrees', 'brand-new'))).toBe(false);
  expect(git(repo, 'branch', '--list', 'brand-new')).toBe('');
  // An existing branch is never deleted by a rollback.
  expect(git(repo, 'branch', '--list', 'existing')).toContain('existing');
  expect(await broken.engine.list()).toEqual([]);
});

test('tmux made the session but the call failed: the session is killed with the worktree', async () => {
  const half = await makeEnv({ local: new FailsAfterNewSession() });
  try {
    const repo = makeRepo(half.dir, 'repo', ['half']);
    await expect(half.engine.spawn({ repo, branch: 'half', command: 'sleep 600' })).rejects.toThrow(
      /lost connection/,
    );
    expect(existsSync(join(half.dir, 'repo.worktrees', 'half'))).toBe(false);
    expect(await half.engine.list()).toEqual([]);
  } finally {
    half.cleanup();
  }
});

test('a stale record of another deleted worktree is left alone (its disk may be unmounted)', async () => {
  const repo = makeRepo(t.dir, 'stale', ['away', 'here']);
  git(repo, 'worktree', 'add', '--', join(t.dir, 'usb-disk', 'away'), 'away');
  rmSync(join(t.dir, 'usb-disk'), { recursive: true, force: true });
  const s = await t.engine.spawn({ repo, branch: 'here', command: 'sleep 600' });
  expect(git(repo, 'worktree', 'list', '--porcelain')).toContain('usb-disk/away');
  await t.engine.kill(s.id, { removeWorktree: true });
});

test('an agent command that does not exist: a clear error and nothing made', async () => {
  const repo = makeRepo(t.dir, 'repo2', ['b']);
  await t.engine.store.update((c) => {
    c.profiles.push({ id: 'ghost', label: 'Ghost', kind: 'custom', command: ['no-such-agent-binary'] });
  });
  await expect(t.engine.spawn({ repo, branch: 'b', agent: 'ghost' })).rejects.toThrow(
    'agent command not found on local: no-such-agent-binary',
  );
  await expect(t.engine.spawn({ repo, branch: 'b', agent: 'nope' })).rejects.toThrow(
    /no agent profile named nope/,
  );
  expect(existsSync(join(t.dir, 'repo2.worktrees'))).toBe(false);
});

test('orchard attach hands a real terminal (node-pty) to tmux attach', async () => {
  const repo = makeRepo(t.dir, 'repo3', ['att']);
  const s = await t.engine.spawn({ repo, branch: 'att' });
  await waitFor(async () => (await t.engine.capture(s.id)).includes('Welcome'), 10_000, 'banner');
  const pty = createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');
  const term = pty.spawn(process.execPath, [CLI, 'attach', s.id], {
    cols: 100,
    rows: 30,
    env: t.env as Record<string, string>,
  });
  let screen = '';
  term.onData((d) => (screen += d));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  try {
    await waitFor(() => screen.includes('Welcome to Fake Claude'), 10_000, 'attached screen');
    term.write('typed through attach\r');
    await waitFor(
      () => screen.includes('You said: typed through attach'),
      10_000,
      'answer in attached terminal',
    );
    term.write('\x02d'); // Ctrl-b d: detach; `orchard attach` returns, the agent keeps running
    expect(await exited).toBe(0);
    expect(screen).toContain('[detached');
  } finally {
    term.kill();
  }
  expect((await t.engine.find(s.id)).state).not.toBe('exited');
});

test('a worktree folder deleted by hand is pruned and made again', async () => {
  const repo = makeRepo(t.dir, 'repo4', ['gone']);
  const first = await t.engine.spawn({ repo, branch: 'gone', command: 'sleep 600' });
  await t.engine.kill(first.id);
  rmSync(first.worktree, { recursive: true, force: true });
  const again = await t.engine.spawn({ repo, branch: 'gone', command: 'sleep 600' });
  expect(again.worktree).toBe(first.worktree);
  expect(existsSync(again.worktree)).toBe(true);
  await t.engine.kill(again.id, { removeWorktree: true });
});
