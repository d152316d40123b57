// The `orchard` command: the scripting face of the engine. `--json` prints machine-readable output.
// Errors: one clear line on stderr and a non-zero exit; a stack only with ORCHARD_DEBUG=1.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OrchardError, toErrorValue } from '../shared/errors.ts';
import type { Engine } from '../core/engine.ts';
import { createEngine } from './compose.ts';
import { formatBranches, formatProfiles, formatRepos, formatSessions } from './format.ts';

export const HELP = `orchard: run a fleet of AI coding agents in git worktrees and tmux sessions

Usage:
  orchard repo add <path> [--name N] [--json]     register a git repo
  orchard repo ls [--json]                        list registered repos
  orchard repo rm <repo>                          unregister (nothing on disk is touched)
  orchard branches <repo> [--json]                branches with worktree, session, ahead/behind
  orchard spawn <repo> <branch> [--new [--from <base>]] [--agent <profile> | --command <cmd>] [--json]
                                                  worktree (made or reused) + tmux session + agent
  orchard ls [--json]                             sessions on every host
  orchard send <id> <text> [--no-enter]           type text into a session's agent
  orchard capture <id>                            print the session's visible screen
  orchard attach <id>                             attach this terminal (detach: Ctrl-b d)
  orchard kill <id> [--remove-worktree [--force]] [--json]
  orchard profiles [--json]                       agent profiles
  orchard --version | --help

<repo> is a registered name or a path. Environment: ORCHARD_HOME (config folder),
ORCHARD_TMUX_SOCKET (tmux socket name, default "orchard"), ORCHARD_DEBUG=1 (stack traces).
`;

class UsageError extends Error {}

const OPTIONS = {
  json: { type: 'boolean' },
  name: { type: 'string' },
  host: { type: 'string' },
  new: { type: 'boolean' },
  from: { type: 'string' },
  agent: { type: 'string' },
  command: { type: 'string' },
  'no-enter': { type: 'boolean' },
  'remove-worktree': { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies ParseArgsConfig['options'];

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

interface Io {
  out(s: string): void;
  json(v: unknown): void;
}

function need(pos: string[], n: number, usage: string): void {
  if (pos.length < n) throw new UsageError(`usage: orchard ${usage}`);
  if (pos.length > n) throw new UsageError(`unexpected argument: ${pos[n]} (usage: orchard ${usage})`);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function run(engine: Engine, cmd: string, pos: string[], v: Values, io: Io): Promise<number> {
  const emit = (value: unknown, human: string) => (v.json ? io.json(value) : io.out(human));
  switch (cmd) {
    case 'repo': {
      const [sub, ...rest] = pos;
      if (sub === 'add') {
        need(rest, 1, 'repo add <path> [--name N] [--host H] [--json]');
        const repo = await engine.addRepo(rest[0]!, {
          ...(v.name ? { name: v.name } : {}),
          ...(v.host ? { host: v.host } : {}),
        });
        emit(repo, `added ${repo.name} (${repo.host}:${repo.path})\n`);
      } else if (sub === 'ls') {
        need(rest, 0, 'repo ls [--json]');
        const repos = await engine.listRepos();
        emit(repos, formatRepos(repos));
      } else if (sub === 'rm') {
        need(rest, 1, 'repo rm <repo>');
        const repo = await engine.removeRepo(rest[0]!);
        emit(repo, `removed ${repo.name} from Orchard (nothing on disk was touched)\n`);
      } else throw new UsageError('usage: orchard repo add|ls|rm');
      return 0;
    }
    case 'branches': {
      need(pos, 1, 'branches <repo> [--json]');
      const list = await engine.branches(pos[0]!);
      emit(list, formatBranches(list));
      return 0;
    }
    case 'spawn': {
      need(
        pos,
        2,
        'spawn <repo> <branch> [--new [--from <base>]] [--agent <profile> | --command <cmd>] [--json]',
      );
      if (v.agent && v.command !== undefined)
        throw new UsageError('--agent and --command exclude each other');
      if (v.from && !v.new) throw new UsageError('--from goes with --new');
      const s = await engine.spawn({
        repo: pos[0]!,
        branch: pos[1]!,
        newBranch: !!v.new,
        ...(v.from ? { from: v.from } : {}),
        ...(v.agent ? { agent: v.agent } : {}),
        ...(v.command !== undefined ? { command: v.command } : {}),
      });
      const { id, repo, branch, worktree, host, agent, state, createdAt } = s;
      emit({ id, repo, branch, worktree, host, agent, state, createdAt }, `${id}  ${branch}  ${worktree}\n`);
      return 0;
    }
    case 'ls': {
      need(pos, 0, 'ls [--json]');
      const list = await engine.list();
      emit(list, formatSessions(list));
      return 0;
    }
    case 'send': {
      need(pos, 2, 'send <id> <text> [--no-enter]');
      await engine.send(pos[0]!, pos[1]!, !v['no-enter']);
      return 0;
    }
    case 'capture': {
      need(pos, 1, 'capture <id>');
      io.out(await engine.capture(pos[0]!));
      return 0;
    }
    case 'attach': {
      need(pos, 1, 'attach <id>');
      const { host, argv } = await engine.attachArgv(pos[0]!);
      if (host !== 'local')
        throw new OrchardError('invalid-argument', `session ${pos[0]} runs on ${host}; attach from the app`);
      if (!process.stdin.isTTY) throw new OrchardError('invalid-argument', 'orchard attach needs a terminal');
      const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'inherit' });
      return r.status ?? 1;
    }
    case 'kill': {
      need(pos, 1, 'kill <id> [--remove-worktree [--force]] [--json]');
      if (v.force && !v['remove-worktree']) throw new UsageError('--force goes with --remove-worktree');
      const r = await engine.kill(pos[0]!, { removeWorktree: !!v['remove-worktree'], force: !!v.force });
      emit(r, `killed ${r.id}${r.worktreeRemoved ? `, removed ${r.worktree}` : ''}\n`);
      return 0;
    }
    case 'profiles': {
      need(pos, 0, 'profiles [--json]');
      const list = await engine.profiles();
      const def = (await engine.store.read()).preferences.defaultAgent;
      emit(list, formatProfiles(list, def));
      return 0;
    }
    default:
      throw new UsageError(`unknown command: ${cmd} (see orchard --help)`);
  }
}

export async function main(argv: string[], io: Io = defaultIo, makeEngine = createEngine): Promise<number> {
  let engine: Engine | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const v = values as Values;
    if (v.version) return (io.out(`${version()}\n`), 0);
    const [cmd, ...pos] = positionals;
    if (v.help || !cmd) return (io.out(HELP), v.help ? 0 : 2);
    engine = makeEngine();
    return await run(engine, cmd, pos, v, io);
  } catch (e) {
    if (process.env.ORCHARD_DEBUG === '1') console.error(e);
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`orchard: ${(e as Error).message}\n`);
      return 2;
    }
    const err = toErrorValue(e);
    process.stderr.write(`orchard: ${err.message}\n`);
    return 1;
  } finally {
    engine?.dispose();
  }
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  json: (v) => process.stdout.write(JSON.stringify(v, null, 2) + '\n'),
};
