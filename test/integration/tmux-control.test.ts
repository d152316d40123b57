// The control-mode client against a real tmux server: commands and their replies, hostile values
// round-tripping through the quoting, notifications, the wait-for wake-up, and how it ends.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { LocalHost } from '../../src/core/hosts/local.ts';
import { ControlClient, ControlExit } from '../../src/core/tmux/control.ts';
import { Tmux } from '../../src/core/tmux/tmux.ts';
import { waitFor } from '../helpers/env.ts';

const host = new LocalHost();
let socket = '';
const clients: ControlClient[] = [];

function server(): Tmux {
  socket = `orchard-ctl-${randomBytes(4).toString('hex')}`;
  return new Tmux(host, socket);
}
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
async function open(t: Tmux, target?: string): Promise<ControlClient> {
  const c = await ControlClient.open(host, t.base(), target ? { target } : {});
  clients.push(c);
  return c;
}

afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
});

test('no server: the client does not attach and says there are no sessions', async () => {
  const t = server();
  const err = await open(t).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ControlExit);
  expect((err as ControlExit).noSessions).toBe(true);
});

test('commands answer in order; hostile values reach tmux exactly; failures are values', async () => {
  const t = server();
  tmux('new-session', '-d', '-s', 'a', 'sleep 600');
  const c = await open(t);
  const hostile = 'a "b" $HOME ~ \\ ; #{pane_id} {x}\nline2 \x1b[2J é;';
  await c.command(['set-option', '-p', '-t', '=a:', '@orchard_detail', hostile]);
  expect(tmux('show-options', '-p', '-t', '=a:', '-v', '@orchard_detail')).toBe(`${hostile}\n`);
  expect(await c.command(['show-options', '-p', '-t', '=a:', '-v', '@orchard_detail'])).toEqual(
    hostile.split('\n'),
  );
  // Several in one line: one reply each; a failure ends the line there.
  const r = await c.run([
    ['display-message', '-p', 'one'],
    ['set-option', '-p', '-t', '%999', '@x', '1'],
    ['display-message', '-p', 'never'],
  ]);
  expect(r).toEqual([
    { ok: true, lines: ['one'] },
    { ok: false, lines: ['no such pane: %999'] },
  ]);
  // Many lines in one write, answered each on its own, in order.
  const many = await c.runMany([
    [['display-message', '-p', 'x']],
    [['kill-pane', '-t', '%999']],
    [['display-message', '-p', 'y']],
  ]);
  expect(many.map((l) => l[0]!.ok)).toEqual([true, false, true]);
  expect(many[2]![0]!.lines).toEqual(['y']);
  expect(c.alive).toBe(true);
});

test('notifications for sessions made elsewhere, and a wait-for wake-up on a hook', async () => {
  const t = server();
  tmux('new-session', '-d', '-s', 'a', 'sleep 600');
  const c = await open(t);
  const seen: string[] = [];
  c.onNotification((n) => seen.push(n.name));
  tmux('new-session', '-d', '-s', 'b', 'sleep 600');
  await waitFor(() => seen.includes('sessions-changed'), 5000, '%sessions-changed');

  await c.command(['set-hook', '-g', 'after-set-option[77]', 'wait-for -S orchard-test']);
  const waiter = await open(t);
  let woke = false;
  void waiter.run([['wait-for', 'orchard-test']]);
  const wake = waiter.run([['display-message', '-p', 'awake']]).then((r) => {
    woke = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 200));
  expect(woke).toBe(false); // blocked until the signal
  tmux('set-option', '-p', '-t', '=b:', '@orchard_state', 'working');
  expect((await wake)[0]!.lines).toEqual(['awake']);
});

test('the server going away ends the client with a reason; its pending commands fail', async () => {
  const t = server();
  tmux('new-session', '-d', '-s', 'a', 'sleep 600');
  const c = await open(t, '=a:');
  const ended = new Promise<ControlExit>((r) => c.onExit(r));
  const blocked = c.run([['wait-for', 'never']]).then(() => c.run([['display-message', '-p', 'x']]));
  tmux('kill-server');
  const why = await ended;
  expect(why).toBeInstanceOf(ControlExit);
  expect(c.alive).toBe(false);
  await expect(blocked).rejects.toBeInstanceOf(ControlExit);
  await expect(c.run([['display-message', '-p', 'x']])).rejects.toBeInstanceOf(ControlExit);
});
