// TerminalClient when an attach ends: told why, or kept and re-attached while the host is away.
import { describe, expect, test } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import type { TerminalEnd } from '../../src/core/terminal/explain.ts';
import { TerminalClient, type PtyOpener } from '../../src/core/terminal/viewer.ts';
import { FakePty } from '../helpers/fake-pty.ts';
import { waitFor } from '../helpers/env.ts';

function setup(ends: TerminalEnd[], reopen: Array<'pty' | OrchardError> = []) {
  const ptys: FakePty[] = [];
  const opened: string[] = [];
  const open = Object.assign(
    async (_s: string, c: number, r: number, again?: boolean) => {
      opened.push(`${again ? 'again' : 'first'} ${c}x${r}`);
      const next = again ? reopen.shift() : 'pty';
      if (next instanceof OrchardError) throw next;
      const p = new FakePty();
      ptys.push(p);
      return p;
    },
    { explain: async () => ends.shift()! },
  ) as PtyOpener;
  const events: unknown[] = [];
  const client = new TerminalClient(open, {
    data: (term, data) => events.push({ data: [term, data] }),
    exit: (term, code, error, end) => events.push({ exit: { term, code, error, end } }),
    status: (term, s) => events.push({ status: { term, ...s } }),
  });
  return { client, ptys, opened, events };
}

const away = (message = 'host h unreachable — reconnecting'): TerminalEnd => ({
  reason: 'host-unreachable',
  message,
});

describe('TerminalClient ends', () => {
  test('an explained end is passed on with its reason', async () => {
    const { client, ptys, events } = setup([{ reason: 'tmux-exited', message: 'tmux server exited' }]);
    await client.attach('t', 's', 80, 24);
    ptys[0]!.exit.fire({ code: 1 });
    await waitFor(() => events.length > 0, 2000, 'exit');
    expect(events).toEqual([
      {
        exit: {
          term: 't',
          code: 1,
          error: undefined,
          end: { reason: 'tmux-exited', message: 'tmux server exited' },
        },
      },
    ]);
    expect(client.size).toBe(0);
  });

  test('host away: kept, input refused out loud, re-attached with its last size once the host is back', async () => {
    const unreachable = new OrchardError('host-unreachable', 'down');
    const { client, ptys, opened, events } = setup([away()], [unreachable, 'pty']);
    await client.attach('t', 's', 80, 24);
    ptys[0]!.exit.fire({ code: null });
    await waitFor(() => events.length > 0, 2000, 'status');
    expect(events[0]).toEqual({ status: { term: 't', state: 'reconnecting', message: away().message } });
    client.input('t', 'x');
    expect(events[1]).toEqual({
      status: { term: 't', state: 'reconnecting', message: away().message, refused: true },
    });
    client.resize('t', 100, 30);
    await waitFor(() => ptys.length === 2, 5000, 're-attach');
    expect(opened).toEqual(['first 80x24', 'again 100x30', 'again 100x30']);
    expect(events.at(-1)).toEqual({ status: { term: 't', state: 'attached' } });
    client.input('t', 'y');
    expect(ptys[1]!.written).toEqual(['y']);
    expect(ptys[0]!.written).toEqual([]);
    expect(client.size).toBe(1);
  });

  test('a detach while reconnecting stops the retries; a re-attach that fails otherwise closes with its error', async () => {
    const a = setup([away()], ['pty']);
    await a.client.attach('t', 's', 80, 24);
    a.ptys[0]!.exit.fire({ code: null });
    await waitFor(() => a.events.length > 0, 2000, 'status');
    a.client.detach('t');
    await new Promise((r) => setTimeout(r, 400));
    expect(a.opened).toEqual(['first 80x24']);

    const b = setup([away()], [new OrchardError('tool-missing', 'tmux is not installed on h')]);
    await b.client.attach('t', 's', 80, 24);
    b.ptys[0]!.exit.fire({ code: null });
    await waitFor(() => b.events.some((e) => 'exit' in (e as object)), 3000, 'exit');
    expect(b.events.at(-1)).toMatchObject({
      exit: { term: 't', error: { code: 'tool-missing', message: 'tmux is not installed on h' } },
    });
    expect(b.client.size).toBe(0);
  });
});
