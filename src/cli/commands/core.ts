// Repos, branches, sessions, profiles: the engine's basic commands.
import { TMUX_KEY_PATTERN } from '../../shared/api.ts';
import { attachTerminal } from '../attach.ts';
import { sendTo } from './approve.ts';
import { flag, need, str, UsageError, type Command } from '../command.ts';
import { limitsFromValues } from './stats.ts';
import { shielded } from '../signals.ts';
import { formatBranches, formatProfiles, formatRepos, formatSessions } from '../format.ts';

const json = { json: { type: 'boolean' } } as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const coreCommands: Command[] = [
  {
    name: 'repo add',
    usage: 'repo add <path> [--name N] [--host H] [--json]',
    summary: 'register a git repo',
    options: { ...json, name: { type: 'string' }, host: { type: 'string' } },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      const name = str(values, 'name');
      const host = str(values, 'host');
      const e = engine();
      const before = (await e.store.read()).repos;
      const repo = await e.addRepo(args[0]!, { ...(name ? { name } : {}), ...(host ? { host } : {}) });
      // Say what happened: a path registered already is renamed or left as it is, never "added".
      const was = before.find((r) => r.host === repo.host && r.path === repo.path);
      const where = `${repo.host}:${repo.path}`;
      const said = !was
        ? `added ${repo.name} (${where})`
        : was.name === repo.name
          ? `${where} is already registered as ${repo.name}`
          : `renamed ${was.name} to ${repo.name} (${where})`;
      emit(repo, `${said}\n`);
      return 0;
    },
  },
  {
    name: 'repo ls',
    usage: 'repo ls [--json]',
    summary: 'list registered repos',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 0, this.usage);
      const repos = await engine().listRepos();
      emit(repos, formatRepos(repos));
      return 0;
    },
  },
  {
    name: 'repo rm',
    usage: 'repo rm <repo> [--json]',
    summary: 'unregister a repo (nothing on disk is touched)',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const repo = await engine().removeRepo(args[0]!);
      emit(repo, `removed ${repo.name} from Orchard (nothing on disk was touched)\n`);
      return 0;
    },
  },
  {
    name: 'branches',
    usage: 'branches <repo> [--json]',
    summary: 'branches with upstream, ahead/behind, worktree and session',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const list = await engine().branches(args[0]!);
      emit(list, formatBranches(list));
      return 0;
    },
  },
  {
    name: 'spawn',
    usage:
      'spawn <repo> <branch> [--new [--from <base>]] [--agent <profile> | --command <cmd>] [--memory 4G] [--cpu 150%] [--force] [--skip-setup] [--headless [--prompt <text>]] [--json]',
    summary: 'worktree (made or reused) + tmux session + agent (--headless: JSON messages, see events)',
    options: {
      ...json,
      new: { type: 'boolean' },
      from: { type: 'string' },
      agent: { type: 'string' },
      command: { type: 'string' },
      memory: { type: 'string' },
      cpu: { type: 'string' },
      force: { type: 'boolean' },
      'skip-setup': { type: 'boolean' },
      headless: { type: 'boolean' },
      prompt: { type: 'string' },
    },
    async run({ args, values, engine, emit }) {
      need(args, 2, this.usage);
      const prompt = str(values, 'prompt');
      if (prompt !== undefined && !flag(values, 'headless'))
        throw new UsageError('--prompt goes with --headless');
      const limits = limitsFromValues(values);
      const agent = str(values, 'agent');
      const command = str(values, 'command');
      const from = str(values, 'from');
      if (agent && command !== undefined) throw new UsageError('--agent and --command exclude each other');
      if (from && !flag(values, 'new')) throw new UsageError('--from goes with --new');
      const e = engine();
      // Ctrl-C / kill / a closed terminal during the spawn: it stops and undoes what it made.
      const s = await shielded((signal) =>
        e.spawn({
          signal,
          repo: args[0]!,
          branch: args[1]!,
          newBranch: flag(values, 'new'),
          ...(from ? { from } : {}),
          ...(agent ? { agent } : {}),
          ...(command !== undefined ? { command } : {}),
          ...(limits ? { limits } : {}),
          force: flag(values, 'force'),
          skipSetup: flag(values, 'skip-setup'),
          ...(flag(values, 'headless')
            ? { headless: true, ...(prompt !== undefined ? { prompt } : {}) }
            : {}),
        }),
      );
      const { id, repo, branch, worktree, host, agent: a, state, createdAt } = s;
      emit(
        { id, repo, branch, worktree, host, agent: a, state, createdAt },
        `${id}  ${branch}  ${worktree}\n`,
      );
      return 0;
    },
  },
  {
    name: 'ls',
    usage: 'ls [--json]',
    summary: 'sessions on every host',
    options: json,
    async run({ args, engine, emit, io }) {
      need(args, 0, this.usage);
      const { sessions, unreachable } = await engine().listAll();
      emit(sessions, formatSessions(sessions));
      // On stderr, so `--json` output stays the list itself.
      for (const u of unreachable) io.err(`orchard: host ${u.host} is unreachable: ${u.error}\n`);
      return 0;
    },
  },
  {
    name: 'send',
    usage:
      'send <id> <text | -> [--no-enter] [--force] | send --to <all|repo:R|host:H|state:S|id,id> <text> [--json]',
    summary:
      "type text into a session's agent (then Enter); - reads stdin; --force even into a first-run dialog; --to: into several, with a summary; headless: one user message",
    options: { 'no-enter': { type: 'boolean' }, force: { type: 'boolean' }, to: { type: 'string' }, ...json },
    async run({ args, values, engine, emit }) {
      const to = str(values, 'to');
      if (to !== undefined) {
        need(args, 1, this.usage);
        return sendTo(engine(), to, args[0]!, !flag(values, 'no-enter'), emit);
      }
      need(args, 2, this.usage);
      // `-`: any size (argv stops at ~128 KB per argument).
      const text = args[1] === '-' ? await readStdin() : args[1]!;
      await engine().send(args[0]!, text, !flag(values, 'no-enter'), flag(values, 'force'));
      return 0;
    },
  },
  {
    name: 'keys',
    usage: 'keys <id> <key>...',
    summary: 'press keys in a session: Escape, Enter, Up, Down, Tab, BTab, Space, C-c, a character…',
    async run({ args, engine }) {
      if (args.length < 2) throw new UsageError(`usage: orchard ${this.usage}`);
      const bad = args.slice(1).find((k) => !TMUX_KEY_PATTERN.test(k));
      if (bad !== undefined)
        throw new UsageError(
          `not a key name: ${JSON.stringify(bad)} (tmux names: Escape, Enter, Up, Down, Left, Right, Tab, BTab, Space, BSpace, C-c, F1…, or one character)`,
        );
      await engine().keys(args[0]!, args.slice(1));
      return 0;
    },
  },
  {
    name: 'capture',
    usage: 'capture <id>',
    summary: "print the session's visible screen (an exited one's with its last 20 lines of history)",
    async run({ args, engine, io }) {
      need(args, 1, this.usage);
      io.out(await engine().capture(args[0]!));
      return 0;
    },
  },
  {
    name: 'attach',
    usage: 'attach <id>',
    summary: 'hand this terminal to tmux attach (detach: Ctrl-b d)',
    async run({ args, engine }) {
      need(args, 1, this.usage);
      return attachTerminal(engine(), args[0]!);
    },
  },
  {
    name: 'kill',
    usage: 'kill <id> [--remove-worktree [--force]] [--json]',
    summary: 'end a session; optionally remove its (clean) worktree',
    options: { ...json, 'remove-worktree': { type: 'boolean' }, force: { type: 'boolean' } },
    async run({ args, values, engine, emit, io }) {
      need(args, 1, this.usage);
      if (flag(values, 'force') && !flag(values, 'remove-worktree'))
        throw new UsageError('--force goes with --remove-worktree');
      const r = await engine().kill(args[0]!, {
        removeWorktree: flag(values, 'remove-worktree'),
        force: flag(values, 'force'),
      });
      const ended = r.ended?.length
        ? ` (ended ${r.ended.length} process${r.ended.length > 1 ? 'es' : ''}: ${r.ended.map((p) => `${p.pid} ${p.command}`).join(', ')})`
        : '';
      emit(r, `killed ${r.id}${ended}${r.worktreeRemoved ? `, removed ${r.worktree}` : ''}\n`);
      // The repo's teardown (src/core/sessions/teardown.ts): say what was not run or failed but forced.
      if (r.teardown?.untrusted)
        io.err(`orchard: ${r.teardown.untrusted} was not run: not trusted (orchard repo trust)\n`);
      else if (r.teardown && r.teardown.code !== 0)
        io.err(`orchard: teardown failed (exit ${r.teardown.code}); removed anyway\n`);
      if (r.worktreeError) {
        io.err(`orchard: killed ${r.id}, but its worktree ${r.worktree} was kept: ${r.worktreeError}\n`);
        return 1;
      }
      return 0;
    },
  },
  {
    name: 'profiles',
    usage: 'profiles [--json]',
    summary: 'agent profiles (* = default)',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 0, this.usage);
      const e = engine();
      const list = await e.profiles();
      const def = (await e.store.read()).preferences.defaultAgent;
      emit(list, formatProfiles(list, def));
      return 0;
    },
  },
];
