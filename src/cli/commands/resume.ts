// Sessions after a reboot or a dead tmux server: resume (conversation), restart (fresh), forget.
import type { ResumeResult } from '../../shared/api.ts';
import { flag, need, str, UsageError, type Command } from '../command.ts';
import { visible } from '../format.ts';

const json = { json: { type: 'boolean' } } as const;

function line(r: ResumeResult): string {
  const what = r.how === 'resumed' ? 'resumed' : 'restarted fresh';
  return `${what} ${r.id}  ${r.session.branch}  ${r.session.worktree}\n`;
}

export const resumeCommands: Command[] = [
  {
    name: 'resume',
    usage: 'resume <id> | resume --all [--host H] [--json]',
    summary: "restart a stopped or exited session's agent, resuming its conversation",
    options: { ...json, all: { type: 'boolean' }, host: { type: 'string' } },
    async run({ args, values, engine, emit, io }) {
      const host = str(values, 'host');
      if (!flag(values, 'all')) {
        if (host) throw new UsageError('--host goes with --all');
        need(args, 1, this.usage);
        const r = await engine().resume(args[0]!);
        emit(r, line(r));
        if (r.note) io.err(`orchard: ${visible(r.note)}\n`);
        return 0;
      }
      need(args, 0, this.usage);
      const all = await engine().resumeAll(host);
      const human =
        all.resumed.length || all.failed.length
          ? all.resumed.map(line).join('')
          : `no stopped sessions${host ? ` on ${host}` : ''}\n`;
      emit(all, human);
      for (const r of all.resumed) if (r.note) io.err(`orchard: ${r.id}: ${visible(r.note)}\n`);
      for (const f of all.failed) io.err(`orchard: ${f.id} on ${f.host}: ${visible(f.error.message)}\n`);
      return all.failed.length ? 1 : 0;
    },
  },
  {
    name: 'restart',
    usage: 'restart <id> [--json]',
    summary: "restart a stopped or exited session's agent with a fresh conversation",
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const r = await engine().resume(args[0]!, { fresh: true });
      emit(r, line(r));
      return 0;
    },
  },
  {
    name: 'forget',
    usage: 'forget <id> [--json]',
    summary: "drop a stopped session's record (its worktree and branch are kept)",
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const r = await engine().forget(args[0]!);
      emit(r, `forgot ${r.id} (its worktree ${r.worktree} is kept)\n`);
      return 0;
    },
  },
];
