// The real Claude Code (pinned, see claude-env.ts) in Orchard's tmux, against the mock Anthropic API
// on 127.0.0.1, with Orchard's hooks and the screen check (the fleet monitor, src/core/status) running as
// the app runs them. Every "Must hold" of issue 10: a denial (Esc, "No") and an interrupt come back
// to idle within 2 s of the screen; AskUserQuestion is a question with its text; the idle
// notification is not "waiting"; an untrusted folder is waiting(setup), never idle, and `orchard
// send` refuses it; quoted commands keep their text in the "why"; an HTTP 400 is an error with the
// API's message; a dead agent's last words reach `ls` and `capture`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionInfo } from '../../src/shared/model.ts';
import { worktreePathFor } from '../../src/core/repos.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { cleanupAfterClaude, claudeEnv, findClaude, seedClaudeHome, type ClaudeHome } from './claude-env.ts';
import { MOCK_400_MESSAGE, startMockAnthropic, type MockAnthropic } from './mock-anthropic.ts';

const found = findClaude();
const missing = 'missing' in found ? found.missing : undefined;
if (missing && process.env.CI === 'true')
  throw new Error(`the agents tier needs the real Claude Code in CI: ${missing}`);
if (missing) console.warn(`[agents] skipped: ${missing}`);

/** "Within 2 s of the screen": the bound for every correction the screen check makes. */
const SCREEN_BOUND_MS = 2000;
/** Prints how long a correction took (for the record; the bound above is what is asserted). */
const report = (what: string, since: number) => console.log(`[agents] ${what}: ${Date.now() - since} ms`);

let t: TestEnv;
let mock: MockAnthropic;
let monitor: FleetMonitor | undefined;
let claude: ClaudeHome;
let repo: string;

describe.skipIf(!!missing)('real Claude Code', () => {
  beforeAll(async () => {
    t = await makeEnv();
    mock = await startMockAnthropic();
    repo = makeRepo(t.dir, 'repo');
    const cfg = { name: 'repo', host: 'local', path: repo };
    claude = seedClaudeHome(t.dir, [worktreePathFor(cfg, 'flow'), worktreePathFor(cfg, 'edits')], 3000);
    await t.engine.store.update((c) => {
      c.profiles.push({
        id: 'claude-real',
        label: 'Claude Code (real)',
        kind: 'claude',
        command: [(found as { bin: string }).bin],
        env: claudeEnv(claude.home, mock.url),
        permissionMode: 'default',
      });
      c.preferences.defaultAgent = 'claude-real';
    });
    // A second profile with a HOME of its own: a folder trusted by one test stays untrusted there.
    const fresh = seedClaudeHome(t.dir, [], 3000, 'claude-home-fresh');
    await t.engine.store.update((c) => {
      c.profiles.push({
        id: 'claude-fresh',
        label: 'Claude Code (real, fresh home)',
        kind: 'claude',
        command: [(found as { bin: string }).bin],
        env: claudeEnv(fresh.home, mock.url),
      });
      // Started in another permission mode (`--permission-mode acceptEdits`).
      c.profiles.push({
        id: 'claude-edits',
        label: 'Claude Code (real, accept edits)',
        kind: 'claude',
        command: [(found as { bin: string }).bin],
        env: claudeEnv(claude.home, mock.url),
        permissionMode: 'acceptEdits',
      });
    });
    // The product's own status path: the fleet monitor the app and `orchard web` run.
    monitor = new FleetMonitor(t.engine).start();
  });
  afterAll(async () => {
    monitor?.dispose();
    await mock?.close();
    if (t) await cleanupAfterClaude(t);
  });

  const find = (id: string) => t.engine.find(id);
  /** Polls the engine (the same read `orchard ls` makes) until `pred` holds; says what it saw if not. */
  const until = async (id: string, pred: (s: SessionInfo) => boolean, what: string, ms: number) => {
    let last: SessionInfo | undefined;
    try {
      return await waitFor(
        async () => {
          last = await find(id);
          return pred(last) ? last : undefined;
        },
        ms,
        what,
      );
    } catch (e) {
      const screen = await t.engine.capture(id).catch(() => '');
      const tail = screen
        .split('\n')
        .filter((l) => l.trim())
        .slice(-8)
        .join('\n');
      throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(last)}; screen ends:\n${tail}`);
    }
  };
  const screenHas = async (id: string, text: string | RegExp, what: string, ms = 15_000) => {
    let screen = '';
    try {
      return await waitFor(
        async () => {
          screen = await t.engine.capture(id);
          return (typeof text === 'string' ? screen.includes(text) : text.test(screen)) ? screen : undefined;
        },
        ms,
        what,
      );
    } catch (e) {
      const tail = screen
        .split('\n')
        .filter((l) => l.trim())
        .slice(-12)
        .join('\n');
      throw new Error(`${(e as Error).message}; screen ends:\n${tail}`);
    }
  };
  const keys = async (id: string, ...k: string[]) => {
    const r = await runCli(['keys', id, ...k], t.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  };
  const lsOne = async (id: string) => {
    const r = await runCli(['ls', '--json'], t.env);
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as SessionInfo[]).find((s) => s.id === id)!;
  };
  const hookInputs = () =>
    existsSync(claude.hookLog)
      ? readFileSync(claude.hookLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];

  test('a trusted folder: prompt, denial by Esc and by "No", a question, an interrupt, an API error', async () => {
    const s = await t.engine.spawn({ repo, branch: 'flow', newBranch: true });
    const prompt = await screenHas(s.id, /\? for shortcuts/, 'the prompt');
    // Orchard's tmux server has focus events on: Claude Code does not ask for them.
    expect(prompt).not.toMatch(/focus-events off/);
    const ready = await until(s.id, (x) => x.state === 'idle', 'idle at the prompt', 5000);
    expect(ready.state).toBe('idle');

    // A plain turn, then the idle notification (3 s here, 60 s by default): still idle.
    await t.engine.send(s.id, 'say hello');
    await screenHas(s.id, 'Mock says: hello', 'the reply');
    await until(s.id, (x) => x.state === 'idle', 'idle after the turn', 5000);
    await waitFor(
      () => hookInputs().some((h) => h.notification_type === 'idle_prompt'),
      10_000,
      'idle_prompt',
    );
    const after = await lsOne(s.id);
    expect(after.state).toBe('idle');
    expect(after.permissionMode).toBe('default');

    // A quoted command asks; its full text is the "why"; Esc denies; idle within 2 s of the screen.
    await t.engine.send(s.id, 'bash touch "ran file.txt"');
    const asking = await until(s.id, (x) => x.state === 'waiting', 'waiting(permission)', 10_000);
    expect(asking).toMatchObject({
      reason: 'permission',
      detail: 'Bash touch "ran file.txt"',
      stateSource: 'hook',
    });
    await screenHas(s.id, 'Do you want to proceed?', 'the permission dialog');
    const t0 = Date.now();
    await keys(s.id, 'Escape');
    await screenHas(s.id, /Interrupted/, 'the denial on screen', 5000);
    const denied = await until(s.id, (x) => x.state === 'idle', 'idle after Esc', SCREEN_BOUND_MS);
    report('Esc on a permission dialog → idle', t0);
    expect(denied.stateSource).toBe('screen');
    expect(existsSync(join(s.worktree, 'ran file.txt'))).toBe(false);

    // "No" chosen by its number (a paste would have taken the highlighted "Yes").
    await t.engine.send(s.id, 'bash git commit -m "fix: a; b"');
    const commit = await until(s.id, (x) => x.state === 'waiting', 'waiting for git commit', 10_000);
    expect(commit.detail).toBe('Bash git commit -m "fix: a; b"');
    const dialog = await screenHas(s.id, /(\d)\. No\b/, 'the "No" option');
    const refusals = (await t.engine.capture(s.id)).split('Did not run').length;
    const t1 = Date.now();
    await keys(s.id, /(\d)\. No\b/.exec(dialog)![1]!);
    await waitFor(
      async () => (await t.engine.capture(s.id)).split('Did not run').length > refusals,
      5000,
      'the refusal on screen',
    );
    await until(s.id, (x) => x.state === 'idle', 'idle after "No"', SCREEN_BOUND_MS);
    report('"No" on a permission dialog → idle', t1);

    // AskUserQuestion: a question with its text, even after PermissionRequest and the notification.
    const notes = hookInputs().length;
    await t.engine.send(s.id, 'ask Which database should we use?');
    const q = await until(s.id, (x) => x.state === 'waiting', 'waiting(question)', 10_000);
    expect(q).toMatchObject({ reason: 'question', detail: 'Which database should we use?' });
    await waitFor(
      () =>
        hookInputs()
          .slice(notes)
          .some((h) => h.notification_type === 'permission_prompt'),
      10_000,
      'the permission_prompt notification',
    );
    expect(await find(s.id)).toMatchObject({ state: 'waiting', reason: 'question' });
    await keys(s.id, 'Enter');
    await screenHas(s.id, 'Noted.', 'the answer taken');
    await until(s.id, (x) => x.state === 'idle', 'idle after the answer', 5000);

    // A slow turn, interrupted with Esc: no hook fires; idle within 2 s of the screen.
    await t.engine.send(s.id, 'slow 20000');
    await until(s.id, (x) => x.state === 'working', 'working', 5000);
    await screenHas(s.id, /esc to interrupt/, 'the turn running');
    await new Promise((r) => setTimeout(r, 2200)); // past the hook's confirmation window
    const t2 = Date.now();
    await keys(s.id, 'Escape');
    await screenHas(s.id, /Interrupted/, 'the interrupt on screen', 5000);
    const stopped = await until(s.id, (x) => x.state === 'idle', 'idle after the interrupt', SCREEN_BOUND_MS);
    report('Esc during a turn → idle', t2);
    expect(stopped.stateSource).toBe('screen');

    // An HTTP 400: the error, with the API's message, as `orchard ls` shows it.
    await t.engine.send(s.id, 'fail400');
    await screenHas(s.id, 'API Error: 400', 'the error on screen');
    await until(s.id, (x) => x.reason === 'error', 'error', 5000);
    const failed = await lsOne(s.id);
    expect(failed).toMatchObject({ state: 'waiting', reason: 'error' });
    expect(failed.detail).toContain(`API Error: 400 ${MOCK_400_MESSAGE}`);
  });

  test('an untrusted folder: waiting(setup), never idle; send refused; keys answer the dialog', async () => {
    const s = await t.engine.spawn({ repo, branch: 'untrusted', newBranch: true });
    await screenHas(s.id, /one you trust\?/, 'the trust dialog');
    const shown = Date.now();
    const states: string[] = [];
    const setup = await until(
      s.id,
      (x) => (states.push(`${x.state}/${x.reason ?? ''}`), x.state === 'waiting'),
      'waiting(setup)',
      SCREEN_BOUND_MS,
    );
    expect(setup).toMatchObject({
      reason: 'setup',
      detail: 'Is this a project you created or one you trust?',
    });
    report('trust dialog on screen → waiting(setup)', shown);
    // Past the starting grace, still the dialog: never idle.
    const end = Date.now() + 6000;
    while (Date.now() < end) {
      const x = await find(s.id);
      states.push(`${x.state}/${x.reason ?? ''}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(states.filter((x) => x.startsWith('idle'))).toEqual([]);
    expect(states[states.length - 1]).toBe('waiting/setup');
    const refused = await runCli(['send', s.id, 'say hi'], t.env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/first-run dialog/);
    // "Yes, I trust this folder" is the second choice.
    await keys(s.id, 'Down', 'Enter');
    await screenHas(s.id, /\? for shortcuts/, 'the prompt after trusting');
    await until(s.id, (x) => x.state === 'idle', 'idle after trusting', SCREEN_BOUND_MS + 1000);
  });

  test('answering the trust dialog with "No, exit": the agent\'s last words in ls and capture', async () => {
    // Its own HOME: Claude Code remembers the trust given above for more than that one folder.
    const s = await t.engine.spawn({ repo, branch: 'refused', newBranch: true, agent: 'claude-fresh' });
    await screenHas(s.id, /one you trust\?/, 'the trust dialog');
    // "No, exit" is highlighted. The dialog can be drawn a moment before it takes keys: press again
    // while it is still there.
    for (let i = 0; i < 3; i++) {
      await keys(s.id, 'Enter');
      const gone = await waitFor(async () => (await find(s.id)).state === 'exited', 4000, 'exit').catch(
        () => false,
      );
      if (gone) break;
    }
    const dead = await until(s.id, (x) => x.state === 'exited', 'exited', 10_000);
    expect(dead.exitCode).toBe(1);
    expect(dead.reason).toMatch(/didn't start because this folder isn't trusted/);
    const r = await runCli(['capture', s.id], t.env);
    expect(r.stdout).toMatch(/didn't start because this folder isn't trusted/);
  });

  test("a profile's permission mode: Claude Code starts in it and Orchard shows it", async () => {
    const s = await t.engine.spawn({ repo, branch: 'edits', newBranch: true, agent: 'claude-edits' });
    const prompt = await screenHas(s.id, /\? for shortcuts|accept edits on/, 'the prompt');
    expect(prompt).toMatch(/accept edits on/i);
    await t.engine.send(s.id, 'write notes.txt');
    await screenHas(s.id, 'Wrote notes.txt.', 'the write, not asked');
    await until(s.id, (x) => x.state === 'idle', 'idle after the write', 5000);
    expect(existsSync(join(s.worktree, 'notes.txt'))).toBe(true);
    expect((await lsOne(s.id)).permissionMode).toBe('acceptEdits');
  });
  test('orchard approve answers the real permission dialog by its option text: yes runs, --deny does not', async () => {
    const s = await t.engine.spawn({ repo, branch: 'approve', newBranch: true });
    await screenHas(s.id, /\? for shortcuts/, 'the prompt');
    await until(s.id, (x) => x.state === 'idle', 'idle at the prompt', 5000);

    await t.engine.send(s.id, 'bash touch "approved.txt"');
    await until(
      s.id,
      (x) => x.state === 'waiting' && x.reason === 'permission',
      'waiting(permission)',
      10_000,
    );
    await screenHas(s.id, 'Do you want to proceed?', 'the permission dialog');
    const yes = await runCli(['approve', s.id], t.env);
    expect(yes.stderr).toBe('');
    expect(yes.code, yes.stderr).toBe(0);
    await waitFor(() => existsSync(join(s.worktree, 'approved.txt')), 10_000, 'the approved command to run');
    await until(s.id, (x) => x.state === 'idle', 'idle after the approved turn', 10_000);

    await t.engine.send(s.id, 'bash touch "denied.txt"');
    await until(s.id, (x) => x.state === 'waiting' && x.reason === 'permission', 'waiting again', 10_000);
    await screenHas(s.id, 'Do you want to proceed?', 'the second dialog');
    const no = await runCli(['approve', s.id, '--deny'], t.env);
    expect(no.code, no.stderr).toBe(0);
    await until(s.id, (x) => x.state === 'idle', 'idle after the denial', SCREEN_BOUND_MS + 2000);
    expect(existsSync(join(s.worktree, 'denied.txt'))).toBe(false);

    // Nothing to approve now: refused, and nothing typed.
    const before = await t.engine.capture(s.id);
    const idle = await runCli(['approve', s.id], t.env);
    expect(idle.code).not.toBe(0);
    expect(await t.engine.capture(s.id)).toBe(before);
  });
});
