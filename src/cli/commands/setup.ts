// New worktrees ready to work: a repo's setup / teardown / include settings, trusting its committed
// scripts, what a spawn will do, and retrying or skipping a failed setup.
import type { RepoScriptInfo, SetupPlan } from '../../shared/api.ts';
import { resolveRepo } from '../../core/repos.ts';
import { applySettings, updateRepoConfig, type RepoSettings } from '../../core/sessions/scripts.ts';
import { setupAction, setupPlan, trustRepo } from '../../core/sessions/setup.ts';
import { flag, need, str, UsageError, type Command } from '../command.ts';

const json = { json: { type: 'boolean' } } as const;

function describeScript(kind: string, s: RepoScriptInfo): string {
  let out = '';
  if (s.command) out += `${kind} (config): ${s.command}\n`;
  if (s.script) {
    const mark = s.script.trusted ? 'trusted' : 'NOT TRUSTED: orchard repo trust <repo> to run it';
    out += `${kind} (${s.script.path}, sha256 ${s.script.sha256.slice(0, 12)}, ${mark}):\n`;
    out += s.script.content.replace(/^/gm, '  | ').trimEnd() + '\n';
  }
  return out || `${kind}: none\n`;
}

export function formatPlan(p: SetupPlan): string {
  const files = p.include.files.map((f) => `  ${f}\n`).join('');
  const more =
    p.include.count > p.include.files.length
      ? `  … and ${p.include.count - p.include.files.length} more\n`
      : '';
  return (
    `${p.repo} at ${p.rev}\n` +
    `files copied into a new worktree (.worktreeinclude): ${p.include.count}\n${files}${more}` +
    describeScript('setup', p.setup) +
    describeScript('teardown', p.teardown)
  );
}

export const setupCommands: Command[] = [
  {
    name: 'repo set',
    usage:
      "repo set <repo> [--setup 'npm ci'] [--teardown CMD] [--include PATTERN]... [--no-include] [--json]",
    summary: "a repo's setup / teardown commands and extra .worktreeinclude patterns ('' clears)",
    options: {
      ...json,
      setup: { type: 'string' },
      teardown: { type: 'string' },
      include: { type: 'string', multiple: true },
      'no-include': { type: 'boolean' },
    },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      const include = values.include as unknown as string[] | undefined;
      if (include && flag(values, 'no-include'))
        throw new UsageError('--include and --no-include exclude each other');
      const settings: RepoSettings = {
        ...(str(values, 'setup') !== undefined ? { setup: str(values, 'setup')! } : {}),
        ...(str(values, 'teardown') !== undefined ? { teardown: str(values, 'teardown')! } : {}),
        ...(include ? { include } : flag(values, 'no-include') ? { include: null } : {}),
      };
      if (!Object.keys(settings).length)
        throw new UsageError(`nothing to set (usage: orchard ${this.usage})`);
      const e = engine();
      const repo = await resolveRepo(await e.store.read(), e.hosts, args[0]!);
      const r = await updateRepoConfig(e.store, repo, (x) => applySettings(x, settings));
      emit(
        r,
        `${r.name}: setup ${r.setup ?? '-'}; teardown ${r.teardown ?? '-'}; include ${r.include?.join(' ') ?? '-'}\n`,
      );
      return 0;
    },
  },
  {
    name: 'repo trust',
    usage: 'repo trust <repo> [--rev REV] [--json]',
    summary: "trust the repo's committed .orchard/setup and .orchard/teardown as they are now (shown)",
    options: { ...json, rev: { type: 'string' } },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      const rev = str(values, 'rev');
      const e = engine();
      const plan = await setupPlan(e, { repo: args[0]!, ...(rev ? { branch: rev } : {}) });
      const r = await trustRepo(e, args[0]!, rev ? { rev } : {});
      const shown = [plan.setup, plan.teardown].map((s, i) =>
        s.script ? describeScript(i ? 'teardown' : 'setup', { script: { ...s.script, trusted: true } }) : '',
      );
      emit(r, `${shown.join('')}trusted for ${r.name}\n`);
      return 0;
    },
  },
  {
    name: 'repo plan',
    usage: 'repo plan <repo> [<branch>] [--new [--from <base>]] [--json]',
    summary: 'what a spawn does to a new worktree: files copied, setup and teardown',
    options: { ...json, new: { type: 'boolean' }, from: { type: 'string' } },
    async run({ args, values, engine, emit }) {
      if (args.length < 1 || args.length > 2) throw new UsageError(`usage: orchard ${this.usage}`);
      const from = str(values, 'from');
      const p = await setupPlan(engine(), {
        repo: args[0]!,
        ...(args[1] ? { branch: args[1] } : {}),
        newBranch: flag(values, 'new'),
        ...(from ? { from } : {}),
      });
      emit(p, formatPlan(p));
      return 0;
    },
  },
  {
    name: 'setup',
    usage: 'setup <id> --retry | --skip',
    summary: "a session's failed setup: run it again, or start the agent anyway",
    options: { retry: { type: 'boolean' }, skip: { type: 'boolean' } },
    async run({ args, values, engine, io }) {
      need(args, 1, this.usage);
      const retry = flag(values, 'retry');
      if (retry === flag(values, 'skip'))
        throw new UsageError(`give one of --retry, --skip (usage: orchard ${this.usage})`);
      await setupAction(engine(), args[0]!, retry ? 'retry' : 'skip');
      io.out(retry ? `${args[0]}: setup runs again\n` : `${args[0]}: starting the agent without setup\n`);
      return 0;
    },
  },
];
