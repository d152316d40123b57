// Why a terminal ended, told to its client, against real tmux and a real sshd: the tmux server
// killed, the session killed, a detach; sshd stopped under an attached terminal: kept, input
// refused out loud, re-attached by itself once sshd is back, with the agent as it was.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServerMessage, TerminalExitEvent, TerminalStatusEvent } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { createRouter, type Connection, type Router } from '../../src/core/rpc/index.ts';
import { makeEnv, makeRepo, waitFor, type TestEnv } from '../helpers/env.ts';
import { makeSshd, makeSshEnv, type Sshd, type SshTestEnv } from '../helpers/sshd.ts';

class Viewer {
  readonly conn: Connection;
  readonly events: ServerMessage[] = [];
  private out = '';
  private next = 1;
  constructor(router: Router) {
    this.conn = router.connect({
      id: `v${Math.random()}`,
      send: (m) => {
        if (m.t === 'evt' && m.ch === 'terminalData') this.out += (m.p as { data: string }).data;
        else this.events.push(m);
        // Acks as xterm would, so flow control never pauses the stream.
        if (m.t === 'evt' && m.ch === 'terminalData')
          void this.conn.handle({
            t: 'send',
            ch: 'terminalAck',
            p: { term: (m.p as { term: string }).term, chars: (m.p as { data: string }).data.length },
          });
      },
    });
  }
  async req<T>(ch: string, p: unknown): Promise<T> {
    const id = this.next++;
    await this.conn.handle({ t: 'req', id, ch, p });
    const r = this.events.find((m) => m.t === 'res' && m.id === id);
    if (!r || r.t !== 'res' || !r.ok) throw new Error(`${ch}: ${JSON.stringify(r)}`);
    return r.value as T;
  }
  input(term: string, data: string): Promise<void> {
    return this.conn.handle({ t: 'send', ch: 'terminalInput', p: { term, data } });
  }
  output(): string {
    return this.out;
  }
  exits(): TerminalExitEvent[] {
    return this.events.flatMap((m) =>
      m.t === 'evt' && m.ch === 'terminalExit' ? [m.p as TerminalExitEvent] : [],
    );
  }
  statuses(): TerminalStatusEvent[] {
    return this.events.flatMap((m) =>
      m.t === 'evt' && m.ch === 'terminalStatus' ? [m.p as TerminalStatusEvent] : [],
    );
  }
}

describe('a local terminal says why it ended', () => {
  let t: TestEnv;
  let router: Router;
  let repo: string;
  beforeAll(async () => {
    t = await makeEnv();
    repo = makeRepo(t.dir, 'repo', ['a', 'b', 'c']);
    router = createRouter(t.engine);
  });
  afterAll(() => {
    router?.dispose();
    t?.cleanup();
  });

  async function attached(branch: string): Promise<{ v: Viewer; s: SessionInfo }> {
    const v = new Viewer(router);
    const s = await v.req<SessionInfo>('spawn', { repo, branch });
    await v.req('attach', { term: 't', session: s.id, cols: 80, rows: 24 });
    await waitFor(() => v.output().includes('Welcome to Fake Claude'), 15_000, 'banner');
    return { v, s };
  }

  test('detached by tmux: "detached", the session still runs', async () => {
    const { v, s } = await attached('a');
    execFileSync('tmux', ['-L', t.socket, 'detach-client', '-s', `=${s.tmuxSession}`]);
    const e = await waitFor(() => v.exits()[0], 10_000, 'exit');
    expect(e).toMatchObject({ term: 't', reason: 'detached' });
    expect(e.message).toContain('still running');
  });

  test('session killed: "session killed"', async () => {
    const { v, s } = await attached('b');
    execFileSync('tmux', ['-L', t.socket, 'kill-session', '-t', `=${s.tmuxSession}`]);
    const e = await waitFor(() => v.exits()[0], 10_000, 'exit');
    expect(e).toMatchObject({ term: 't', reason: 'session-killed', message: 'session killed' });
  });

  test('tmux server killed: "tmux server exited"', async () => {
    const { v } = await attached('c');
    execFileSync('tmux', ['-L', t.socket, 'kill-server']);
    const e = await waitFor(() => v.exits()[0], 10_000, 'exit');
    expect(e).toMatchObject({ term: 't', reason: 'tmux-exited', message: 'tmux server exited' });
    expect(v.conn.terminalCount).toBe(0);
  });
});

describe('an SSH terminal while sshd is away', () => {
  let sshd: Sshd;
  let t: SshTestEnv;
  let router: Router;
  beforeAll(async () => {
    sshd = await makeSshd();
    t = await makeSshEnv(sshd);
    router = createRouter(t.env.engine);
  });
  afterAll(async () => {
    router?.dispose();
    await t?.teardown();
    await sshd?.cleanup();
  });

  test('kept and reconnecting; input refused; back by itself within 10 s of sshd, agent unchanged', async () => {
    const repo = makeRepo(t.env.dir, 'remote', ['feat']);
    const v = new Viewer(router);
    const s = await v.req<SessionInfo>('spawn', { repo: t.repoRef(repo), branch: 'feat' });
    await v.req('attach', { term: 't', session: s.id, cols: 80, rows: 24 });
    await waitFor(() => v.output().includes('> '), 15_000, 'prompt');
    await v.input('t', 'before\r');
    await waitFor(() => v.output().includes('You said: before'), 10_000, 'echo before');

    await sshd.stop();
    const away = await waitFor(
      () => v.statuses().find((x) => x.state === 'reconnecting'),
      15_000,
      'reconnecting',
    );
    expect(away.message).toMatch(/unreachable — reconnecting/);
    expect(v.exits()).toEqual([]);
    expect(v.conn.terminalCount).toBe(1);
    await v.input('t', 'lost\r');
    expect(v.statuses().at(-1)).toMatchObject({ state: 'reconnecting', refused: true });

    await new Promise((r) => setTimeout(r, 2000));
    await sshd.start();
    const back = Date.now();
    await waitFor(() => v.statuses().find((x) => x.state === 'attached'), 10_000, 'attached again');
    console.log(`ssh terminal back ${Date.now() - back} ms after sshd`);
    expect(v.exits()).toEqual([]);
    await v.input('t', 'after\r');
    await waitFor(() => v.output().includes('You said: after'), 10_000, 'echo after');
    // The keystrokes typed while away were refused, not delivered late.
    expect(v.output()).not.toContain('You said: lost');
    expect((await t.env.engine.find(s.id)).pid).toBe(s.pid);
    v.conn.dispose();
    await t.env.engine.kill(s.id, { removeWorktree: true });
  });
});
