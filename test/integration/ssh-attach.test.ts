// `orchard attach` to a session on an SSH host: the engine's ssh2 pty stream bridged to a real
// terminal (node-pty), no OpenSSH client involved.
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { CLI, makeRepo, waitFor } from '../helpers/env.ts';
import { useSshEnv } from '../helpers/sshd.ts';

const pty = createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');
const ssh = useSshEnv();

test('orchard attach bridges this terminal to a remote session, and detaching leaves it running', async () => {
  const t = ssh.env;
  const repo = makeRepo(t.env.dir, 'remote', ['feat']);
  const s = await t.env.engine.spawn({ repo: t.repoRef(repo), branch: 'feat' });
  expect(s.host).toBe(t.hostName);
  await waitFor(async () => (await t.env.engine.capture(s.id)).includes('Welcome'), 10_000, 'banner');
  const term = pty.spawn(process.execPath, [CLI, 'attach', s.id], {
    cols: 100,
    rows: 30,
    env: t.env.env as Record<string, string>,
  });
  let screen = '';
  term.onData((d) => (screen += d));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  try {
    await waitFor(() => screen.includes('Welcome to Fake Claude'), 15_000, 'remote screen');
    term.write('over ssh\r');
    await waitFor(() => screen.includes('You said: over ssh'), 10_000, 'answer through the bridge');
    term.resize(90, 25);
    await waitFor(
      async () => {
        const { argv } = await t.env.engine.attachArgv(s.id);
        const ctx = await t.env.engine.hosts.get(t.hostName);
        const r = await ctx.host.exec([
          ...argv.slice(0, -3),
          'display-message',
          '-p',
          '-t',
          s.paneId,
          '#{window_width}',
        ]);
        return r.stdout.trim() === '90';
      },
      10_000,
      'remote window follows the terminal size',
    );
    term.write('\x02d');
    expect(await exited).toBe(0);
  } finally {
    term.kill();
  }
  expect((await t.env.engine.find(s.id)).state).not.toBe('exited');
});
