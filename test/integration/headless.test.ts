// Headless sessions: the agent in print mode with stream-json in and out (a fake that speaks Claude
// Code's format and runs its hooks), fed from a FIFO, its output in out.jsonl; `orchard send`,
// `orchard events [--follow]`, state from the stream, a writer from plain shell, a killed agent.
// Local and over a real sshd.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { HeadlessEvent } from '../../src/shared/headless.ts';
import { sendHeadless } from '../../src/core/sessions/headless.ts';
import { CLI, makeRepo, ROOT, runCli, waitFor } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const FAKE_HEADLESS = join(ROOT, 'test/fixtures/fake-headless.mjs');
const ssh = useSshEnv();

beforeAll(async () => {
  await ssh.env.env.engine.store.update((c) => {
    c.profiles.push({
      id: 'fake-headless',
      label: 'Fake Claude (print mode)',
      kind: 'claude',
      command: [process.execPath, FAKE_HEADLESS],
    });
  });
});

/** pid of the agent process under a pane (the wrapper's descendants), from one ps. */
function agentPid(panePid: number): number {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const tree = new Set([panePid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows)
      if (tree.has(r.ppid) && !tree.has(r.pid)) {
        tree.add(r.pid);
        grew = true;
      }
  }
  const agent = rows.find(
    (r) => tree.has(r.pid) && r.args.includes('fake-headless.mjs') && !r.args.startsWith('sh '),
  );
  if (!agent) throw new Error(`no agent process under ${panePid}`);
  return agent.pid;
}

describe.each(['local', 'ssh'] as const)('%s', (kind) => {
  const repoRef = (p: string) => (kind === 'ssh' ? ssh.env.repoRef(p) : p);
  const pipes = () =>
    kind === 'ssh' ? join(ssh.sshd.remoteHome, '.orchard', 'pipes') : join(ssh.env.env.home, 'pipes');
  const events = async (id: string): Promise<HeadlessEvent[]> => {
    const r = await runCli(['events', id, '--json'], ssh.env.env.env);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as HeadlessEvent[];
  };
  const results = (ev: HeadlessEvent[]) => ev.filter((e) => e.kind === 'result');

  test('spawn --headless --prompt, send, events, state from the stream, a plain shell writer', async () => {
    const t = ssh.env.env;
    const path = makeRepo(t.dir, `hl-${kind}`);
    const spawned = await runCli(
      [
        'spawn',
        repoRef(path),
        'hl',
        '--new',
        '--agent',
        'fake-headless',
        '--headless',
        '--prompt',
        'hello there',
        '--json',
      ],
      t.env,
    );
    expect(spawned.code, spawned.stderr).toBe(0);
    const id = (JSON.parse(spawned.stdout) as { id: string }).id;

    // The first turn, from the prompt: the message, the answer, the result with cost and duration.
    const first = await waitFor(
      async () => {
        const ev = await events(id);
        return results(ev).length === 1 ? ev : undefined;
      },
      15_000,
      'the first turn',
    );
    expect(first.find((e) => e.kind === 'start')).toBeTruthy();
    expect(first).toContainEqual({ kind: 'user', text: 'hello there' });
    expect(first).toContainEqual({ kind: 'assistant', text: 'You said: hello there' });
    const r1 = results(first)[0]!;
    expect(r1).toMatchObject({ kind: 'result', ok: true, costUsd: 0.0123, turns: 1 });
    expect(typeof (r1 as { durationMs?: number }).durationMs).toBe('number');
    const text = await runCli(['events', id], t.env);
    expect(text.stdout).toContain('> hello there\nYou said: hello there\n✓ done (');
    expect(text.stdout).toContain('$0.0123');

    // Listed as a headless session, idle after its turn; private files.
    await waitFor(async () => (await t.engine.find(id)).state === 'idle', 10_000, 'idle');
    expect((await t.engine.find(id)).headless).toBe('stream-json');
    expect(statSync(pipes()).mode & 0o777).toBe(0o700);
    expect(statSync(join(pipes(), id)).mode & 0o777).toBe(0o700);
    const fifo = statSync(join(pipes(), id, 'in'));
    expect(fifo.isFIFO()).toBe(true);
    expect(fifo.mode & 0o777).toBe(0o600);
    expect(statSync(join(pipes(), id, 'out.jsonl')).mode & 0o777).toBe(0o600);

    // send adds a turn, with a tool call and its input; working while it runs, then idle.
    const sent = await runCli(['send', id, 'tool ls -la'], t.env);
    expect(sent.code, sent.stderr).toBe(0);
    const second = await waitFor(
      async () => {
        const ev = await events(id);
        return results(ev).length === 2 ? ev : undefined;
      },
      15_000,
      'the second turn',
    );
    expect(second).toContainEqual(
      expect.objectContaining({
        kind: 'tool',
        name: 'Bash',
        input: expect.objectContaining({ command: 'ls -la' }),
      }),
    );
    expect(second).toContainEqual(
      expect.objectContaining({ kind: 'tool-result', text: 'ran: ls -la', isError: false }),
    );
    expect((await runCli(['events', id], t.env)).stdout).toContain('⏺ Bash {"command":"ls -la"');

    await t.engine.send(id, 'slow 4000');
    await waitFor(async () => (await t.engine.find(id)).state === 'working', 4_000, 'working');
    await waitFor(async () => (await t.engine.find(id)).state === 'idle', 15_000, 'idle again');

    // A denied permission: waiting, with why.
    await t.engine.send(id, 'write notes.txt');
    const waiting = await waitFor(
      async () => {
        const s = await t.engine.find(id);
        return s.state === 'waiting' ? s : undefined;
      },
      10_000,
      'waiting on a denied permission',
    );
    expect(waiting).toMatchObject({ reason: 'permission', detail: 'Write notes.txt' });
    // Nothing to approve on a screen: print mode already denied it; said so, nothing sent.
    const approve = await runCli(['approve', id], t.env);
    expect(approve.code).not.toBe(0);
    expect(approve.stderr).toMatch(/is headless/);

    // Anyone may write to the FIFO: a plain shell `echo ... > in` reaches the agent.
    const msg = JSON.stringify({
      type: 'user',
      message: { role: 'user', content: [{ type: 'text', text: 'from the shell' }] },
    });
    execFileSync('sh', ['-c', 'echo "$1" > "$2"', 'sh', msg, join(pipes(), id, 'in')], { timeout: 10_000 });
    await waitFor(
      async () =>
        (await events(id)).some((e) => e.kind === 'assistant' && e.text === 'You said: from the shell'),
      10_000,
      'the shell-written message answered',
    );

    // A broadcast (send --to) reaches it through its pipe too.
    const b = await runCli(['send', '--to', id, 'to everyone', '--json'], t.env);
    expect(b.code, b.stderr).toBe(0);
    await waitFor(
      async () =>
        (await events(id)).some((e) => e.kind === 'assistant' && e.text === 'You said: to everyone'),
      10_000,
      'the broadcast answered',
    );
    await t.engine.kill(id);
  });

  test('events --follow streams a turn as it happens', async () => {
    const t = ssh.env.env;
    const path = makeRepo(t.dir, `follow-${kind}`);
    const s = await t.engine.spawn({
      repo: repoRef(path),
      branch: 'f',
      newBranch: true,
      agent: 'fake-headless',
      headless: true,
      prompt: 'first',
    });
    await waitFor(async () => results(await events(s.id)).length === 1, 15_000, 'the first turn');
    const follow = spawn(process.execPath, [CLI, 'events', s.id, '--follow', '--json'], { env: t.env });
    let out = '';
    follow.stdout.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('You said: first'), 10_000, 'the history');
      await t.engine.send(s.id, 'slow 2500');
      // The echoed message arrives while the turn still runs (its answer comes 2.5 s later).
      await waitFor(() => out.includes('"text":"slow 2500"'), 10_000, 'the message, streamed');
      expect(out).not.toContain('You said: slow 2500');
      const streamed = () =>
        out
          .split('\n')
          .slice(0, -1)
          .map((l) => JSON.parse(l) as HeadlessEvent);
      await waitFor(() => results(streamed()).length === 2, 10_000, 'the result, streamed');
      expect(streamed()).toContainEqual({ kind: 'assistant', text: 'You said: slow 2500' });
    } finally {
      follow.kill('SIGINT');
    }
    await t.engine.kill(s.id);
  });

  test('a killed agent: send fails fast and clearly, events still print the history', async () => {
    const t = ssh.env.env;
    const path = makeRepo(t.dir, `dead-${kind}`);
    const s = await t.engine.spawn({
      repo: repoRef(path),
      branch: 'd',
      newBranch: true,
      agent: 'fake-headless',
      headless: true,
      prompt: 'remember me',
    });
    await waitFor(async () => results(await events(s.id)).length === 1, 15_000, 'the first turn');
    process.kill(agentPid(s.pid!), 'SIGKILL');
    await waitFor(async () => (await t.engine.find(s.id)).state === 'exited', 10_000, 'exited');
    const sent = await runCli(['send', s.id, 'anyone there?'], t.env, ROOT, 10_000);
    expect(sent.code).not.toBe(0);
    expect(sent.stderr).toMatch(/not running/);
    expect((await runCli(['events', s.id], t.env)).stdout).toContain('You said: remember me');

    // The pipe itself, asked as if the session still looked alive: no reader → refused, not blocked
    // (locally O_NONBLOCK; over SSH the fixed send script).
    const ctx = await t.engine.hosts.get(s.host);
    await expect(sendHeadless(ctx, { ...s, state: 'idle' }, 'still?')).rejects.toThrow(/not running/);

    await t.engine.kill(s.id);
    const after = await runCli(['events', s.id], t.env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('You said: remember me');
    const gone = await runCli(['send', s.id, 'hello?'], t.env, ROOT, 10_000);
    expect(gone.code).not.toBe(0);

    // Kept until gc, which removes the pipes folder of a session that no longer exists.
    const g = await runCli(['gc', '--json'], t.env);
    expect(JSON.parse(g.stdout).items).toContainEqual(
      expect.objectContaining({ action: 'remove-event-logs', host: s.host, done: true }),
    );
    expect(existsSync(join(pipes(), s.id))).toBe(false);
    expect((await runCli(['events', s.id], t.env)).stderr).toMatch(/no session or event log/);
  });
});

test('real Claude Code output through the wrapper: a denied permission is waiting, with what for', async () => {
  // What Claude Code 2.1.332 printed in print mode (recorded against a stand-in API), replayed by a
  // profile whose agent just prints it: the state filter must read the real message shapes.
  const t = ssh.env.env;
  const fixture = join(ROOT, 'test/fixtures/claude-2.1.332-stream.jsonl');
  await t.engine.store.update((c) => {
    c.profiles.push({
      id: 'replay',
      label: 'Recorded Claude Code output',
      kind: 'custom',
      command: ['sh', '-c', 'cat -- "$0"; exec sleep 600', fixture],
      headless: { args: [], input: 'stream-json' },
    });
  });
  const path = makeRepo(t.dir, 'replay');
  const s = await t.engine.spawn({
    repo: path,
    branch: 'r',
    newBranch: true,
    agent: 'replay',
    headless: true,
  });
  const waiting = await waitFor(
    async () => {
      const x = await t.engine.find(s.id);
      return x.state === 'waiting' ? x : undefined;
    },
    10_000,
    'waiting',
  );
  expect(waiting).toMatchObject({ reason: 'permission', detail: 'Write /tmp/hlcheck/notes.txt' });
  const ev = await runCli(['events', s.id], t.env);
  expect(ev.stdout).toContain('⏺ Write {"file_path":"/tmp/hlcheck/notes.txt"');
  expect(ev.stdout).toContain('  denied: Write /tmp/hlcheck/notes.txt');
  await t.engine.kill(s.id);
});

test('a resumed headless session is headless again and does not get its first prompt twice', async () => {
  const t = ssh.env.env;
  const path = makeRepo(t.dir, 'again');
  const s = await t.engine.spawn({
    repo: path,
    branch: 'a',
    newBranch: true,
    agent: 'fake-headless',
    headless: true,
    prompt: 'only once',
  });
  const turns = async () => {
    const r = await runCli(['events', s.id, '--json'], t.env);
    return (JSON.parse(r.stdout) as HeadlessEvent[]).filter((e) => e.kind === 'result').length;
  };
  await waitFor(async () => (await turns()) === 1, 15_000, 'the first turn');
  process.kill(agentPid(s.pid!), 'SIGKILL');
  await waitFor(async () => (await t.engine.find(s.id)).state === 'exited', 10_000, 'exited');
  const resumed = await runCli(['resume', s.id], t.env);
  expect(resumed.code, resumed.stderr).toBe(0);
  const again = await t.engine.find(s.id);
  expect(again.headless).toBe('stream-json');
  await t.engine.send(s.id, 'after resume');
  await waitFor(async () => (await turns()) === 2, 15_000, 'the turn after resume');
  const ev = (await runCli(['events', s.id], t.env)).stdout;
  expect(ev.match(/You said: only once/g)).toHaveLength(1);
  expect(ev).toContain('You said: after resume');
  await t.engine.kill(s.id);
});

test('long messages sent at once arrive whole, one turn each', async () => {
  const t = ssh.env.env;
  const path = makeRepo(t.dir, 'long');
  const s = await t.engine.spawn({
    repo: path,
    branch: 'l',
    newBranch: true,
    agent: 'fake-headless',
    headless: true,
  });
  await waitFor(async () => (await t.engine.find(s.id)).state !== 'starting', 10_000, 'started');
  // Larger than the pipe's buffer (64 KB): written in parts, which must not interleave.
  const texts = [1, 2, 3, 4].map((i) => `${i}:${String(i).repeat(150_000)}`);
  const ctx = await t.engine.hosts.get(s.host);
  const live = await t.engine.find(s.id);
  await Promise.all(texts.map((x) => sendHeadless(ctx, live, x)));
  const ev = await waitFor(
    async () => {
      const r = await runCli(['events', s.id, '--json'], t.env);
      const all = JSON.parse(r.stdout) as HeadlessEvent[];
      return all.filter((e) => e.kind === 'result').length === 4 ? all : undefined;
    },
    20_000,
    'four turns',
  );
  const answers = ev.filter((e) => e.kind === 'assistant').map((e) => (e as { text: string }).text);
  expect(answers.sort()).toEqual(texts.map((x) => `You said: ${x}`).sort());
  await t.engine.kill(s.id);
});
