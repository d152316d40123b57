// Keys, refusals and last words against real tmux with the fake agent, through the CLI process:
// `orchard keys` answers a permission question with "No"; `orchard send` refuses a session in a
// first-run dialog unless --force; a dead agent's last words reach `orchard ls` and `orchard capture`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SessionInfo } from '../../src/shared/model.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let repo: string;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
});
afterAll(() => t.cleanup());

async function lsOne(id: string): Promise<SessionInfo | undefined> {
  const r = await runCli(['ls', '--json'], t.env);
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as SessionInfo[]).find((s) => s.id === id);
}
const until = (id: string, pred: (s: SessionInfo) => boolean, what: string, ms = 5000) =>
  waitFor(
    async () => {
      const s = await lsOne(id);
      return s && pred(s) ? s : undefined;
    },
    ms,
    what,
  );

test('orchard keys answers a question with the key pressed, not by pasting text', async () => {
  const s = await t.engine.spawn({ repo, branch: 'keys', newBranch: true });
  await until(s.id, (x) => x.state === 'idle', 'idle', 10_000);
  await t.engine.send(s.id, 'edit notes.txt');
  await until(s.id, (x) => x.state === 'waiting' && x.reason === 'permission', 'waiting(permission)');
  // A bad key name never reaches tmux.
  const bad = await runCli(['keys', s.id, 'Escape', 'rm -rf'], t.env);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/not a key name: "rm -rf"/);
  const r = await runCli(['keys', s.id, '2', 'Enter'], t.env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  await until(s.id, (x) => x.state === 'idle', 'idle after "No"');
  expect(await t.engine.capture(s.id)).toContain('Left notes.txt alone');
  expect(existsSync(join(s.worktree, 'notes.txt'))).toBe(false);
});

test('orchard send refuses a session in a first-run dialog unless --force', async () => {
  const s = await t.engine.spawn({ repo, branch: 'setup', newBranch: true });
  await until(s.id, (x) => x.state === 'idle', 'idle', 10_000);
  // What the screen check writes for a trust dialog.
  execFileSync('tmux', [
    '-L',
    t.socket,
    'set-option',
    '-p',
    '-t',
    s.paneId,
    '@orchard_state',
    'waiting',
    ';',
    'set-option',
    '-p',
    '-t',
    s.paneId,
    '@orchard_reason',
    'setup',
    ';',
    'set-option',
    '-p',
    '-t',
    s.paneId,
    '@orchard_detail',
    'Do you trust this folder?',
  ]);
  const refused = await runCli(['send', s.id, 'hello'], t.env);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/first-run dialog \(Do you trust this folder\?\)/);
  expect(refused.stderr).toMatch(/orchard keys/);
  expect(await t.engine.capture(s.id)).not.toContain('hello');
  const forced = await runCli(['send', s.id, 'hello', '--force'], t.env);
  expect(forced.code).toBe(0);
  await waitFor(async () => (await t.engine.capture(s.id)).includes('You said: hello'), 5000, 'forced text');
});

test('orchard send looks at the screen: a trust dialog no monitor has judged is refused too', async () => {
  const dialog =
    "printf '%s\\n' 'Quick safety check: Is this a project you created or one you trust?' '❯ No, exit'; sleep 60";
  const s = await t.engine.spawn({ repo, branch: 'dialog', newBranch: true, command: dialog });
  await waitFor(async () => (await t.engine.capture(s.id)).includes('No, exit'), 5000, 'the dialog');
  const refused = await runCli(['send', s.id, 'hello'], t.env);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/first-run dialog/);
  expect(await t.engine.capture(s.id)).not.toContain('hello');
});

test("a dead agent's last words: the exit reason in ls, its history in capture", async () => {
  const s = await t.engine.spawn({ repo, branch: 'dies', newBranch: true, rows: 8 });
  await until(s.id, (x) => x.state === 'idle', 'idle', 10_000);
  await t.engine.send(s.id, 'die 3 Fatal: the config is broken');
  const dead = await until(s.id, (x) => x.state === 'exited', 'exited');
  expect(dead.exitCode).toBe(3);
  expect(dead.reason).toBe('Fatal: the config is broken');
  const table = await runCli(['ls'], t.env);
  expect(table.stdout).toMatch(new RegExp(`${s.id} .*exited 3.*Fatal: the config is broken`));
  const r = await runCli(['capture', s.id], t.env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Fatal: the config is broken');
  // The banner scrolled out of the 8-row screen long ago: it comes from the history.
  expect(r.stdout).toContain('Welcome to Fake Claude Code');
  expect(r.stdout.split('\n').length).toBeGreaterThan(8);
});

test("Orchard's tmux server turns focus events on (Claude Code asks for them)", async () => {
  const out = execFileSync('tmux', ['-L', t.socket, 'show-options', '-s', 'focus-events'], {
    encoding: 'utf8',
  });
  expect(out.trim()).toBe('focus-events on');
});
