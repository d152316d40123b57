// Finishing a session's work: diff, commit, merge, push, pull request, cleanup (src/core/review).
import { DIFF_STATUS_LETTER, type DiffFile, type DiffResult, type GcResult } from '../../shared/api.ts';
import type { MergeMode } from '../../shared/api.ts';
import * as review from '../../core/review/service.ts';
import { gc } from '../../core/sessions/gc.ts';
import { flag, need, str, UsageError, type Command } from '../command.ts';
import { table, visible } from '../format.ts';

const json = { json: { type: 'boolean' } } as const;

function fileName(f: DiffFile): string {
  return f.oldPath ? `${f.oldPath} => ${f.path}` : f.path;
}

function formatStat(d: DiffResult): string {
  const rows = d.files.map((f) => [
    DIFF_STATUS_LETTER[f.status] + (f.untracked ? '?' : ''),
    f.binary ? 'bin' : `+${f.additions}`,
    f.binary ? '' : `-${f.deletions}`,
    fileName(f) + (f.large ? ' (large: not shown)' : ''),
  ]);
  const head = `${d.branch} against ${d.base} (merge-base ${d.mergeBase.slice(0, 10)}): ${d.files.length} file(s), +${d.additions} -${d.deletions}\n`;
  return head + table(rows);
}

function formatPatches(d: DiffResult): string {
  // The patch is the user's own file content: shown as it is (a pager or terminal shows diffs so).
  return d.files
    .map((f) =>
      f.patch !== undefined
        ? f.patch
        : `# ${visible(fileName(f))}: ${f.binary ? 'binary' : 'over 5 MB'}, not shown\n`,
    )
    .join('');
}

function formatGc(r: GcResult): string {
  if (!r.items.length) return 'nothing to clean up\n';
  const verb = (a: string) => (a === 'remove-worktree' ? 'remove worktree' : 'prune record');
  return table(
    r.items.map((i) => [
      r.dryRun ? `would ${verb(i.action)}` : i.error ? `FAILED ${verb(i.action)}` : verb(i.action),
      `${i.host}:${i.worktree}`,
      i.error ?? i.reason,
    ]),
  );
}

export const reviewCommands: Command[] = [
  {
    name: 'diff',
    usage: 'diff <id> [--stat] [--name-only] [--base <ref>] [--json]',
    summary: 'what the session changed against its base (committed or not, new files too)',
    options: {
      ...json,
      stat: { type: 'boolean' },
      'name-only': { type: 'boolean' },
      base: { type: 'string' },
    },
    async run({ args, values, engine, io }) {
      need(args, 1, this.usage);
      const list = flag(values, 'stat') || flag(values, 'name-only');
      const base = str(values, 'base');
      const d = await review.diff(engine(), { id: args[0]!, patches: !list, ...(base ? { base } : {}) });
      if (flag(values, 'json')) io.json(d);
      else if (flag(values, 'name-only')) io.out(d.files.map((f) => visible(f.path) + '\n').join(''));
      else if (flag(values, 'stat')) io.out(formatStat(d));
      else io.out(formatPatches(d));
      return 0;
    },
  },
  {
    name: 'base',
    usage: 'base <id> [<ref>] [--json]',
    summary: 'show or set the branch a session is diffed against and merged into',
    options: json,
    async run({ args, engine, emit }) {
      if (args.length < 1 || args.length > 2) throw new UsageError(`usage: orchard ${this.usage}`);
      const s = args[1] ? await review.setBase(engine(), args[0]!, args[1]) : await engine().find(args[0]!);
      emit({ id: s.id, base: s.base ?? null }, `${s.id}  ${s.base ?? '(default branch)'}\n`);
      return 0;
    },
  },
  {
    name: 'commit',
    usage: 'commit <id> -m <message> [--all] [--json]',
    summary: "commit the worktree's changes on the session's branch (--all: new files too)",
    options: { ...json, message: { type: 'string', short: 'm' }, all: { type: 'boolean' } },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      const message = str(values, 'message');
      if (!message) throw new UsageError('a commit message is required: -m <message>');
      const r = await review.commit(engine(), args[0]!, message, flag(values, 'all'));
      emit(r, `committed ${r.sha.slice(0, 10)} on ${r.branch}: ${r.subject}\n`);
      return 0;
    },
  },
  {
    name: 'merge',
    usage:
      'merge <id> [--into <branch>] [--squash | --rebase] [--all [-m <msg>]] [--delete-worktree [--delete-branch]] [--json]',
    summary: "merge the session's branch into its base (refused, changing nothing, if it would conflict)",
    options: {
      ...json,
      into: { type: 'string' },
      squash: { type: 'boolean' },
      rebase: { type: 'boolean' },
      all: { type: 'boolean' },
      message: { type: 'string', short: 'm' },
      'delete-worktree': { type: 'boolean' },
      'delete-branch': { type: 'boolean' },
    },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      if (flag(values, 'squash') && flag(values, 'rebase'))
        throw new UsageError('--squash and --rebase exclude each other');
      if (flag(values, 'delete-branch') && !flag(values, 'delete-worktree'))
        throw new UsageError('--delete-branch goes with --delete-worktree (the branch is checked out there)');
      const mode: MergeMode = flag(values, 'squash') ? 'squash' : flag(values, 'rebase') ? 'rebase' : 'merge';
      const into = str(values, 'into');
      const message = str(values, 'message');
      const r = await review.merge(engine(), {
        id: args[0]!,
        mode,
        all: flag(values, 'all'),
        deleteWorktree: flag(values, 'delete-worktree'),
        deleteBranch: flag(values, 'delete-branch'),
        ...(into ? { into } : {}),
        ...(message ? { message } : {}),
      });
      const how = r.fastForward ? 'fast-forward' : r.mode;
      emit(
        r,
        `merged ${r.branch} into ${r.into} (${how}), now at ${r.sha.slice(0, 10)}` +
          `${r.worktreeRemoved ? '; worktree removed' : ''}${r.branchDeleted ? '; branch deleted' : ''}\n`,
      );
      return 0;
    },
  },
  {
    name: 'push',
    usage: 'push <id> [--json]',
    summary: "push the session's branch to its upstream (else origin, setting the upstream)",
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const r = await review.push(engine(), args[0]!);
      emit(
        r,
        `pushed ${r.branch} to ${r.remote}/${r.remoteBranch}${r.upstreamSet ? ' (upstream set)' : ''}\n`,
      );
      return 0;
    },
  },
  {
    name: 'pr',
    usage: 'pr <id> [--title T] [--body B] [--draft] [--json]',
    summary: 'open a pull request (gh on the session host), else print the compare URL',
    options: { ...json, title: { type: 'string' }, body: { type: 'string' }, draft: { type: 'boolean' } },
    async run({ args, values, engine, emit, io }) {
      need(args, 1, this.usage);
      const title = str(values, 'title');
      const body = str(values, 'body');
      const r = await review.pr(engine(), {
        id: args[0]!,
        draft: flag(values, 'draft'),
        ...(title ? { title } : {}),
        ...(body !== undefined ? { body } : {}),
      });
      emit(r, r.url ? `${r.url}\n` : '');
      if (r.missing) io.err(`orchard: ${r.missing}\n`);
      return r.url ? 0 : 1;
    },
  },
  {
    name: 'gc',
    usage: 'gc [--dry-run] [--json]',
    summary: "remove Orchard's worktrees whose branch is merged and session ended; prune vanished ones",
    options: { ...json, 'dry-run': { type: 'boolean' } },
    async run({ args, values, engine, emit }) {
      need(args, 0, this.usage);
      const r = await gc(engine(), flag(values, 'dry-run'));
      emit(r, formatGc(r));
      return r.items.some((i) => i.error) ? 1 : 0;
    },
  },
];
