// `orchard attach`: this terminal becomes a tmux client of the session. Locally tmux itself takes
// the terminal; on an SSH host the engine's own pty stream (an ssh2 channel running tmux attach)
// is bridged to this terminal in raw mode, so no OpenSSH client or second login is needed.
import { spawnSync } from 'node:child_process';
import { OrchardError } from '../shared/errors.ts';
import type { Engine } from '../core/engine.ts';

export async function attachTerminal(engine: Engine, id: string): Promise<number> {
  const { host, argv } = await engine.attachArgv(id);
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new OrchardError('invalid-argument', 'orchard attach needs a terminal');
  if (host === 'local') {
    // An empty TMUX lets a user inside their own tmux attach to Orchard's server (tmux refuses to nest).
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'inherit', env: { ...process.env, TMUX: '' } });
    return r.status ?? 1;
  }
  const ctx = await engine.hosts.get(host);
  const { stdin, stdout } = process;
  const stream = await ctx.host.openPty(argv, { cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const onInput = (d: Buffer) => stream.write(d.toString('utf8'));
  const onResize = () => stream.resize(stdout.columns, stdout.rows);
  stdin.setRawMode(true);
  stdin.on('data', onInput);
  stdin.resume();
  stdout.on('resize', onResize);
  stream.onData((d) => stdout.write(d));
  const code = await new Promise<number>((resolve) => stream.onExit(({ code: c }) => resolve(c ?? 0)));
  stdin.off('data', onInput);
  stdout.off('resize', onResize);
  stdin.setRawMode(false);
  stdin.pause();
  stream.dispose();
  return code;
}
