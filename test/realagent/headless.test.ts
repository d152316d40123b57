// Headless sessions with the real Claude Code (pinned, see claude-env.ts) in print mode with
// stream-json, against the mock Anthropic API on 127.0.0.1, with the fleet monitor running as the
// app runs it: the first prompt's turn and its cost; a sent message adds a turn; a tool call that
// print mode denies is waiting(permission) with what for, and stays so with the monitor running;
// a killed agent makes `send` fail at once while `events` keeps the history.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HeadlessEvent } from '../../src/shared/headless.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { cleanupAfterClaude, claudeEnv, findClaude, seedClaudeHome } from './claude-env.ts';
import { startMockAnthropic, type MockAnthropic } from './mock-anthropic.ts';

const found = findClaude();
const missing = 'missing' in found ? found.missing : undefined;
if (missing && process.env.CI === 'true')
  throw new Error(`the agents tier needs the real Claude Code in CI: ${missing}`);

let t: TestEnv;
let mock: MockAnthropic;
let monitor: FleetMonitor | undefined;

describe.skipIf(!!missing)('real Claude Code, headless', () => {
  beforeAll(async () => {
    t = await makeEnv();
    mock = await startMockAnthropic();
    const claude = seedClaudeHome(t.dir, [], 3000, 'claude-home-headless');
    await t.engine.store.update((c) => {
      c.profiles.push({
        id: 'claude-real',
        label: 'Claude Code (real)',
        kind: 'claude',
        command: [(found as { bin: string }).bin],
        env: claudeEnv(claude.home, mock.url),
        permissionMode: 'default',
      });
    });
    monitor = new FleetMonitor(t.engine).start();
  });
  afterAll(async () => {
    monitor?.dispose();
    await mock?.close();
    if (t) await cleanupAfterClaude(t);
  });

  const events = async (id: string): Promise<HeadlessEvent[]> => {
    const r = await runCli(['events', id, '--json'], t.env);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as HeadlessEvent[];
  };
  const results = (ev: HeadlessEvent[]) => ev.filter((e) => e.kind === 'result');

  test('turns, cost, a denied tool call waiting with why, a killed agent', async () => {
    const repo = makeRepo(t.dir, 'hl');
    const spawned = await runCli(
      [
        'spawn',
        repo,
        'hl',
        '--new',
        '--agent',
        'claude-real',
        '--headless',
        '--prompt',
        'say hello there',
        '--json',
      ],
      t.env,
    );
    expect(spawned.code, spawned.stderr).toBe(0);
    const { id, worktree } = JSON.parse(spawned.stdout) as { id: string; worktree: string };

    const first = await waitFor(
      async () => {
        const ev = await events(id);
        return results(ev).length === 1 ? ev : undefined;
      },
      60_000,
      'the first turn',
    );
    expect(first).toContainEqual({ kind: 'user', text: 'say hello there' });
    expect(first).toContainEqual({ kind: 'assistant', text: 'Mock says: hello there' });
    const r1 = results(first)[0] as Extract<HeadlessEvent, { kind: 'result' }>;
    expect(r1.ok).toBe(true);
    expect(r1.costUsd).toBeGreaterThan(0);
    expect(r1.durationMs).toBeGreaterThan(0);
    await waitFor(async () => (await t.engine.find(id)).state === 'idle', 20_000, 'idle');

    // A Bash call needs permission; print mode denies it: waiting, with the command.
    expect((await runCli(['send', id, 'bash touch from-orchard.txt'], t.env)).code).toBe(0);
    const waiting = await waitFor(
      async () => {
        const s = await t.engine.find(id);
        return s.state === 'waiting' && results(await events(id)).length === 2 ? s : undefined;
      },
      60_000,
      'waiting on the denied Bash call',
    );
    expect(waiting).toMatchObject({ reason: 'permission', detail: 'Bash touch from-orchard.txt' });
    const second = await events(id);
    expect(second).toContainEqual(
      expect.objectContaining({
        kind: 'tool',
        name: 'Bash',
        input: expect.objectContaining({ command: 'touch from-orchard.txt' }),
      }),
    );
    expect(results(second)[1]).toMatchObject({ denials: ['Bash touch from-orchard.txt'] });
    expect(existsSync(join(worktree, 'from-orchard.txt'))).toBe(false);
    // And stays so while the fleet monitor runs (hooks, stream and monitor agree; no screen to judge).
    await new Promise((r) => setTimeout(r, 4000));
    expect(await t.engine.find(id)).toMatchObject({ state: 'waiting', reason: 'permission' });

    // Killed: send fails at once with a clear error, the history stays.
    const pane = (await t.engine.find(id)).pid!;
    const ps = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
    const procs = ps.split('\n').map((l) => l.trim().split(/\s+/, 3));
    const tree = new Set([String(pane)]);
    for (let n = 0; n < 5; n++) for (const [p, pp] of procs) if (p && pp && tree.has(pp)) tree.add(p);
    const agent = procs.find(([p, , a]) => p && tree.has(p) && a === (found as { bin: string }).bin);
    expect(agent, 'the claude process under the pane').toBeTruthy();
    process.kill(Number(agent![0]), 'SIGKILL');
    await waitFor(async () => (await t.engine.find(id)).state === 'exited', 20_000, 'exited');
    const sent = await runCli(['send', id, 'anyone?'], t.env, undefined, 10_000);
    expect(sent.code).not.toBe(0);
    expect(sent.stderr).toMatch(/not running/);
    expect((await runCli(['events', id], t.env)).stdout).toContain('Mock says: hello there');
    await t.engine.kill(id);
  }, 180_000);
});
