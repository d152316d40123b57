// Truthful status against real tmux: the fake agent runs the hook commands like Claude Code, and
// every state shows in `orchard ls --json` (a fresh CLI process each time) soon after the event.
// An agent without hooks is read from its screen by the host monitor's screen check.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ServerMessage } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { createRouter } from '../../src/core/rpc/index.ts';
import type { SessionStateEvent as StateChange } from '../../src/shared/api.ts';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { FAKE_AGENT, makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let repo: string;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
  await t.engine.store.update((c) => {
    // The same fake agent with no --settings: no hooks, only its screen tells.
    c.profiles.push({
      id: 'plain',
      label: 'No hooks',
      kind: 'custom',
      command: [process.execPath, FAKE_AGENT],
    });
  });
});
afterAll(() => t.cleanup());

/** Within a second or two of the event, as a fresh `orchard ls --json` sees it. */
const SOON = 3000;

async function lsOne(id: string): Promise<SessionInfo | undefined> {
  const r = await runCli(['ls', '--json'], t.env);
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as SessionInfo[]).find((s) => s.id === id);
}

const seen = (id: string, pred: (s: SessionInfo) => boolean, what: string) =>
  waitFor(
    async () => {
      const s = await lsOne(id);
      return s && pred(s) ? s : undefined;
    },
    SOON,
    what,
  );

test('working → waiting(permission) → idle → exited, each seen by orchard ls --json', async () => {
  const s = await t.engine.spawn({ repo, branch: 'hooks', newBranch: true });
  await waitFor(async () => (await lsOne(s.id))?.state === 'idle', 10_000, 'agent up and idle');

  await t.engine.send(s.id, 'sleep 4000');
  await seen(s.id, (x) => x.state === 'working', 'working');

  // The turn lasts 4 s: idle comes then, not within SOON of the send.
  await waitFor(async () => (await lsOne(s.id))?.state === 'idle', 8000, 'idle after the turn');
  await t.engine.send(s.id, 'edit notes.txt');
  const waiting = await seen(s.id, (x) => x.state === 'waiting', 'waiting');
  expect(waiting.reason).toBe('permission');
  expect(waiting.detail).toBe('Edit notes.txt');

  await t.engine.send(s.id, '1');
  const idle = await seen(s.id, (x) => x.state === 'idle', 'idle after answering');
  expect(idle.detail).toBeUndefined();
  expect(existsSync(join(s.worktree, 'notes.txt'))).toBe(true);

  await t.engine.send(s.id, 'ask');
  const asked = await seen(s.id, (x) => x.state === 'waiting', 'waiting for an answer');
  expect(asked.reason).toBe('question');
  expect(asked.detail).toBe('What should I name it?');
  expect(asked.permissionMode).toBe('default');
  await t.engine.send(s.id, 'Bob');
  await seen(s.id, (x) => x.state === 'idle', 'idle after the answer');

  await t.engine.send(s.id, '/exit 3');
  const done = await seen(s.id, (x) => x.state === 'exited', 'exited');
  expect(done.exitCode).toBe(3);
});

test('the monitor turns transitions into events with from, to and the session (reason included)', async () => {
  const watcher = new FleetMonitor(t.engine);
  const events: StateChange[] = [];
  watcher.onDidChangeState((e) => events.push(e));
  watcher.start();
  try {
    const s = await t.engine.spawn({ repo, branch: 'feature/login', newBranch: true });
    const saw = (pred: (e: StateChange) => boolean, what: string) =>
      waitFor(() => events.find((e) => e.id === s.id && pred(e)), 10_000, what);
    await saw((e) => e.to === 'idle', 'idle');
    await t.engine.send(s.id, 'edit notes.txt');
    const w = await saw((e) => e.to === 'waiting', 'waiting');
    expect(w.session).toMatchObject({ reason: 'permission', detail: 'Edit notes.txt' });
    expect(w.session).toMatchObject({ branch: 'feature/login', host: 'local', id: s.id });
    expect(w.from === 'idle' || w.from === 'working').toBe(true);
    await t.engine.send(s.id, '2');
    await saw((e) => e.from === 'waiting' && e.to === 'idle', 'idle again');
    await t.engine.send(s.id, '/exit 0');
    await saw((e) => e.to === 'exited', 'exited');
    // Pushed: the SessionEnd hook's "exited" arrives before the pane dies; its exit code follows.
    const x = await waitFor(
      () => watcher.current?.find((v) => v.id === s.id && v.exitCode !== undefined),
      15_000,
      'exit code',
    );
    expect(x.exitCode).toBe(0);
    expect(x.state).toBe('exited');
    // Each transition once: no event repeats a state it already reported, and each follows on.
    const mine = events.filter((e) => e.id === s.id);
    for (let i = 1; i < mine.length; i++) {
      expect(mine[i]!.to).not.toBe(mine[i - 1]!.to);
      expect(mine[i]!.from).toBe(mine[i - 1]!.to);
    }
  } finally {
    watcher.dispose();
  }
});

test('an agent without hooks: screen patterns (debounced) drive its state, for orchard ls too', async () => {
  const watcher = new FleetMonitor(t.engine).start();
  try {
    const s = await t.engine.spawn({ repo, branch: 'plain', newBranch: true, agent: 'plain' });
    await waitFor(async () => (await t.engine.capture(s.id)).includes('Welcome'), 10_000, 'banner');
    await t.engine.send(s.id, 'sleep 5000');
    const working = await seen(s.id, (x) => x.state === 'working', 'working from the spinner line');
    expect(working.reason).toBeUndefined();
    await waitFor(async () => (await lsOne(s.id))?.state === 'idle', 8000, 'idle from the prompt');
    await t.engine.send(s.id, 'edit other.txt');
    const waiting = await seen(s.id, (x) => x.state === 'waiting', 'waiting from the question');
    expect(waiting.reason).toBe('permission');
    await t.engine.send(s.id, '1');
    await seen(s.id, (x) => x.state === 'idle', 'idle again');
    expect(existsSync(join(s.worktree, 'other.txt'))).toBe(true);
  } finally {
    watcher.dispose();
  }
});

test('through the router: clients following sessions get screen-pattern states too', async () => {
  const router = createRouter(t.engine);
  const lists: SessionInfo[][] = [];
  const conn = router.connect({
    id: 'status-test',
    send: (m) => {
      const msg = m as ServerMessage;
      if (msg.t === 'evt' && msg.ch === 'sessionsChanged') lists.push(msg.p as SessionInfo[]);
    },
  });
  try {
    const s = await t.engine.spawn({ repo, branch: 'routed', newBranch: true, agent: 'plain' });
    await conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'sessionsChanged' } });
    await waitFor(async () => (await t.engine.capture(s.id)).includes('Welcome'), 10_000, 'banner');
    await t.engine.send(s.id, 'edit routed.txt');
    await waitFor(
      () =>
        lists.some((l) => l.some((x) => x.id === s.id && x.state === 'waiting' && x.reason === 'permission')),
      15_000,
      'waiting(permission) pushed to the client',
    );
  } finally {
    conn.dispose();
    router.dispose();
  }
});
