// kill-session's answers read right: the last session's kill can lose the server's reply ("server
// exited unexpectedly", seen with the monitor's control client attached and a real agent): that is
// a success when the session is gone, and an error when it is still there.
import { expect, test } from 'vitest';
import type { ExecResult, Host } from '../../src/core/hosts/host.ts';
import { Tmux } from '../../src/core/tmux/tmux.ts';

function fakeHost(answers: Record<string, ExecResult>): { host: Host; ran: string[] } {
  const ran: string[] = [];
  const host = {
    name: 'fake',
    exec: async (argv: readonly string[]) => {
      const cmd = argv[6]!; // tmux -u -L <socket> -f /dev/null <command>
      ran.push(cmd);
      return answers[cmd] ?? { code: 0, stdout: '', stderr: '' };
    },
  } as unknown as Host;
  return { host, ran };
}

const lost: ExecResult = { code: 1, stdout: '', stderr: 'server exited unexpectedly\n' };

test('the reply lost with the server, the session gone: done', async () => {
  const { host, ran } = fakeHost({
    'kill-session': lost,
    'has-session': { code: 1, stdout: '', stderr: 'no server running on /tmp/tmux-0/x\n' },
  });
  await new Tmux(host, 'x').killSession('orchard-ab12');
  expect(ran).toEqual(['kill-session', 'has-session']);
});

test('the reply lost but the session still there: an error that says so', async () => {
  const { host } = fakeHost({ 'kill-session': lost, 'has-session': { code: 0, stdout: '', stderr: '' } });
  await expect(new Tmux(host, 'x').killSession('orchard-ab12')).rejects.toThrow(
    /kill-session failed: server exited unexpectedly/,
  );
});

test('already gone, or no server: done without a second look; another failure: an error', async () => {
  for (const stderr of ["can't find session: =orchard-ab12:", 'no server running on /tmp/tmux-0/x']) {
    const { host, ran } = fakeHost({ 'kill-session': { code: 1, stdout: '', stderr } });
    await new Tmux(host, 'x').killSession('orchard-ab12');
    expect(ran).toEqual(['kill-session']);
  }
  const { host } = fakeHost({ 'kill-session': { code: 1, stdout: '', stderr: 'permission denied' } });
  await expect(new Tmux(host, 'x').killSession('orchard-ab12')).rejects.toThrow(/permission denied/);
});
