// Why an attach ended, from tmux's last words and the host's answer about the session.
import { describe, expect, test } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import type { ExecResult } from '../../src/core/hosts/host.ts';
import { explainAttachExit } from '../../src/core/terminal/explain.ts';

const tmux = (answer: ExecResult | Error) => ({
  asked: [] as string[][],
  async run(args: readonly string[]): Promise<ExecResult> {
    this.asked.push([...args]);
    if (answer instanceof Error) throw answer;
    return answer;
  },
});
const ok = (stdout: string): ExecResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string): ExecResult => ({ code: 1, stdout: '', stderr });

describe('explainAttachExit', () => {
  test('"[server exited]" is the tmux server, without asking', async () => {
    const t = tmux(ok(''));
    const end = await explainAttachExit(t, 'local', 's', { code: 1, tail: '\x1b[?1049l[server exited]\r\n' });
    expect(end).toEqual({ reason: 'tmux-exited', message: 'tmux server exited' });
    expect(t.asked).toEqual([]);
  });

  test('the host answers: no server, no session, a dead pane, a live one', async () => {
    const exit = { code: 0, tail: '[exited]' };
    expect(await explainAttachExit(tmux(fail('no server running on /tmp/x')), 'h', 's', exit)).toMatchObject({
      reason: 'tmux-exited',
    });
    expect(await explainAttachExit(tmux(fail("can't find session: s")), 'h', 's', exit)).toEqual({
      reason: 'session-killed',
      message: 'session killed',
    });
    expect(await explainAttachExit(tmux(ok('1 0 3\n')), 'h', 's', exit)).toEqual({
      reason: 'agent-exited',
      message: 'agent exited (code 3)',
    });
    const detached = { code: 0, tail: '[detached (from session s)]' };
    expect(await explainAttachExit(tmux(ok('0  \n')), 'h', 's', detached)).toMatchObject({
      reason: 'detached',
    });
  });

  test('a host that cannot be asked is unreachable; a remote channel gone without a status reconnects', async () => {
    const gone = new OrchardError('host-unreachable', 'cannot reach devbox');
    const end = await explainAttachExit(tmux(gone), 'devbox', 's', { code: null, tail: '' });
    expect(end.reason).toBe('host-unreachable');
    expect(end.message).toBe('host devbox unreachable — reconnecting (cannot reach devbox)');
    const timedOut = { code: 128, stdout: '', stderr: 'timed out\n' };
    expect((await explainAttachExit(tmux(timedOut), 'devbox', 's', { code: null, tail: '' })).reason).toBe(
      'host-unreachable',
    );
    const alive = tmux(ok('0  \n'));
    expect((await explainAttachExit(alive, 'devbox', 's', { code: null, tail: '' }, true)).reason).toBe(
      'host-unreachable',
    );
    expect((await explainAttachExit(alive, 'local', 's', { code: null, tail: '' }, false)).reason).toBe(
      'detached',
    );
    expect(alive.asked[0]).toEqual([
      'list-panes',
      '-t',
      '=s:',
      '-F',
      '#{pane_dead} #{pane_dead_status} #{@orchard_exit}',
    ]);
  });
});
