// The `orchard` command: the scripting face of the engine. `--json` prints machine-readable output.
// Errors: one clear line on stderr and a non-zero exit; a stack only with ORCHARD_DEBUG=1.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toErrorValue } from '../shared/errors.ts';
import type { Engine } from '../core/engine.ts';
import { UsageError, type Command, type Io, type Values } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { createEngine } from './compose.ts';
import { safeJson, visible } from './format.ts';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  const lines = COMMANDS.map((c) =>
    c.usage.length > 60
      ? `  orchard ${c.usage}\n  ${' '.repeat(Math.min(width, 60) + 10)}${c.summary}`
      : `  orchard ${c.usage.padEnd(Math.min(width, 60))}  ${c.summary}`,
  );
  return `orchard: run a fleet of AI coding agents in git worktrees and tmux sessions

Usage:
${lines.join('\n')}
  orchard --version | --help

<repo> is a registered name or a path. Environment: ORCHARD_HOME (config folder),
ORCHARD_TMUX_SOCKET (tmux socket name, default "orchard"), ORCHARD_DEBUG=1 (stack traces).
`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The command named by the first one or two words of argv (grouped commands: "repo add"). */
function findCommand(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const [w1, w2] = words;
  const two = COMMANDS.find((c) => c.name === `${w1} ${w2}`);
  const one = COMMANDS.find((c) => c.name === w1);
  const cmd = two ?? one;
  if (!cmd) return undefined;
  const drop = cmd.name.split(' ');
  const rest = [...argv];
  for (const w of drop) rest.splice(rest.indexOf(w), 1);
  return { cmd, rest };
}

const defaultIo: Io = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  json: (v) => void process.stdout.write(safeJson(v) + '\n'),
};

/**
 * Every print goes through here: whatever a command writes (names, paths, git and tmux messages,
 * error text) reaches the terminal with its control characters escaped; lines and tabs stay.
 */
function escaping(io: Io): Io {
  return {
    out: (s) => io.out(visible(s, 'layout')),
    err: (s) => io.err(visible(s, 'layout')),
    json: (v) => io.json(v),
  };
}

export async function main(
  argv: string[],
  io: Io = defaultIo,
  makeEngine: () => Engine = createEngine,
): Promise<number> {
  io = escaping(io);
  let engine: Engine | undefined;
  try {
    if (argv.includes('--version') || argv.includes('-v')) return (io.out(`${version()}\n`), 0);
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.out(help());
      return argv.length === 0 ? 2 : 0;
    }
    const found = findCommand(argv);
    if (!found) {
      const groups = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `)).map((c) => c.name);
      throw new UsageError(
        groups.length
          ? `usage: orchard ${groups.join(' | ')}`
          : `unknown command: ${argv[0]} (see orchard --help)`,
      );
    }
    const { cmd, rest } = found;
    if (rest.includes('--help') || rest.includes('-h'))
      return (io.out(`usage: orchard ${cmd.usage}\n${cmd.summary}\n`), 0);
    const { values, positionals } = parseArgs({
      args: rest,
      options: cmd.options ?? {},
      allowPositionals: true,
      strict: true,
    });
    const v = values as Values;
    return await cmd.run({
      args: positionals,
      values: v,
      io,
      engine: () => (engine ??= makeEngine()),
      emit: (value, human) => (v.json ? io.json(value) : io.out(human)),
    });
  } catch (e) {
    if (process.env.ORCHARD_DEBUG === '1') io.err(`${(e as Error)?.stack ?? String(e)}\n`);
    if (
      e instanceof UsageError ||
      String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`orchard: ${(e as Error).message}\n`);
      return 2;
    }
    io.err(`orchard: ${toErrorValue(e).message}\n`);
    return 1;
  } finally {
    engine?.dispose();
  }
}
