// The terminal data plane through the router, once per host kind: node-pty running `tmux attach`
// locally, an ssh2 pty channel against a real sshd. Same assertions for both: banner, input, two
// viewers, flow control with `yes` (pause without acks, resume with them), Ctrl-C, detach.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FLOW, type ServerMessage, type TerminalDataEvent } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { createRouter, type Connection, type Router } from '../../src/core/rpc/index.ts';
import { makeRepo, waitFor, waitForStall } from '../helpers/env.ts';
import { hostKinds, type HostSetup } from '../helpers/hosts.ts';

class Viewer {
  readonly conn: Connection;
  readonly replies = new Map<number, Extract<ServerMessage, { t: 'res' }>>();
  readonly other: ServerMessage[] = [];
  private readonly out = new Map<string, string>();
  private next = 1;
  constructor(router: Router, id: string) {
    this.conn = router.connect({
      id,
      send: (m) => {
        if (m.t === 'res') this.replies.set(m.id, m);
        else if (m.t === 'evt' && m.ch === 'terminalData') {
          const p = m.p as TerminalDataEvent;
          this.out.set(p.term, (this.out.get(p.term) ?? '') + p.data);
        } else this.other.push(m);
      },
    });
  }
  async req<T>(ch: string, p: unknown): Promise<T> {
    const id = this.next++;
    await this.conn.handle({ t: 'req', id, ch, p });
    const r = this.replies.get(id)!;
    if (!r.ok) throw new Error(`${ch}: ${r.error.code}: ${r.error.message}`);
    return r.value as T;
  }
  send(ch: string, p: unknown): Promise<void> {
    return this.conn.handle({ t: 'send', ch, p });
  }
  output(term: string): string {
    return this.out.get(term) ?? '';
  }
  /** Ack everything received so far, as xterm does once it has parsed it. */
  ack(term: string, acked: { n: number }): void {
    const n = this.output(term).length;
    if (n > acked.n) void this.send('terminalAck', { term, chars: n - acked.n });
    acked.n = n;
  }
}

describe.each(hostKinds())('terminals over $name', (kind) => {
  let h: HostSetup;
  let router: Router;
  let repo: string;

  beforeAll(async () => {
    h = await kind.setup();
    repo = makeRepo(h.env.dir, 'repo', ['agent', 'flood']);
    router = createRouter(h.env.engine);
  });
  afterAll(async () => {
    router?.dispose();
    await h?.teardown();
  });

  test('banner, input and two viewers; detach leaves the agent running', async () => {
    const a = new Viewer(router, 'a');
    const b = new Viewer(router, 'b');
    const s = await a.req<SessionInfo>('spawn', { repo: h.repoRef(repo), branch: 'agent' });
    expect(s.host).toBe(h.hostName);
    await a.req('attach', { term: 't', session: s.id, cols: 100, rows: 30 });
    await b.req('attach', { term: 't', session: s.id, cols: 100, rows: 30 });
    const acked = { n: 0 };
    await waitFor(
      () => (a.ack('t', acked), a.output('t').includes('Welcome to Fake Claude')),
      15_000,
      'banner',
    );
    await waitFor(() => a.output('t').includes('> '), 10_000, 'prompt');
    await a.send('terminalInput', { term: 't', data: 'über 🌳\r' });
    await waitFor(() => (a.ack('t', acked), a.output('t').includes('You said: über 🌳')), 10_000, 'answer');
    await waitFor(() => b.output('t').includes('You said: über 🌳'), 10_000, 'answer in the second viewer');
    expect(a.output('t')).not.toContain('\uFFFD');
    a.conn.dispose();
    b.conn.dispose();
    const after = await h.env.engine.find(s.id);
    expect(after.state).not.toBe('exited');
    await h.env.engine.kill(s.id);
  });

  test('yes: output stops near the high watermark without acks, resumes with them; Ctrl-C stops it', async () => {
    const c = new Viewer(router, 'c');
    const s = await c.req<SessionInfo>('spawn', { repo: h.repoRef(repo), branch: 'flood', command: 'yes' });
    await c.req('attach', { term: 'y', session: s.id, cols: 80, rows: 24 });
    await waitFor(() => c.output('y').length > FLOW.highWatermark, 20_000, 'output past the high watermark');
    const stalled = await waitForStall(() => c.output('y').length, 20_000, 'output to stall without acks');
    console.log(`${kind.name}: output stalled at ${stalled} unacknowledged chars`);
    expect(stalled).toBeGreaterThan(FLOW.highWatermark);
    expect(stalled).toBeLessThan(FLOW.highWatermark + 256 * 1024);
    const acked = { n: 0 };
    c.ack('y', acked);
    await waitFor(() => c.output('y').length > stalled + FLOW.lowWatermark, 20_000, 'output after acks');
    const pump = setInterval(() => c.ack('y', acked), 20);
    try {
      await c.send('terminalInput', { term: 'y', data: '\x03' });
      const done = await waitFor(
        async () => {
          const x = await h.env.engine.find(s.id);
          return x.state === 'exited' ? x : undefined;
        },
        20_000,
        'yes to stop',
      );
      expect(done.exitCode).toBe(130);
    } finally {
      clearInterval(pump);
    }
    c.conn.dispose();
    await h.env.engine.kill(s.id);
  });
});
