// `orchard approve`: answer permission questions (one session, or every waiting one), and the
// broadcast half of `orchard send --to` (core.ts's send hands over to sendTo). Arguments go through
// the router's own schemas, so the CLI and the window accept exactly the same things.
import type { ApprovalDecision, ApproveAllResult, BroadcastResult } from '../../shared/approve.ts';
import { approve, approveAll } from '../../core/sessions/approve.ts';
import { broadcast } from '../../core/sessions/broadcast.ts';
import { parseRequest } from '../../core/rpc/schemas.ts';
import type { Engine } from '../../core/engine.ts';
import { flag, need, str, UsageError, type Command, type CommandContext } from '../command.ts';
import { table } from '../format.ts';

function decisionOf(values: CommandContext['values']): ApprovalDecision {
  if (flag(values, 'deny') && flag(values, 'always'))
    throw new UsageError('--deny and --always exclude each other');
  return flag(values, 'deny') ? 'no' : flag(values, 'always') ? 'always' : 'yes';
}

export function formatApproveAll(r: ApproveAllResult): string {
  if (!r.items.length) return 'no session is waiting for permission (that matches)\n';
  const verb = r.dryRun ? 'would answer' : 'answered';
  const rows = r.items.map((i) => [
    i.id,
    `${i.repo}/${i.branch}`,
    i.host,
    i.detail ?? '',
    r.dryRun ? r.decision : i.ok ? (i.option ?? r.decision) : `REFUSED: ${i.error ?? ''}`,
  ]);
  const ok = r.items.filter((i) => i.ok).length;
  return `${table(rows)}${verb} ${ok} of ${r.items.length} (${r.decision})\n`;
}

export function formatBroadcast(r: BroadcastResult): string {
  const rows = r.items.map((i) => [
    i.id,
    i.repo ? `${i.repo}/${i.branch}` : '',
    i.host,
    i.delivered ? 'delivered' : `NOT delivered: ${i.error ?? ''}`,
  ]);
  return `${table(rows)}delivered to ${r.delivered}, not delivered to ${r.failed}\n`;
}

/** `orchard send --to <filter> <text>`: called by core.ts's send command. */
export async function sendTo(
  engine: Engine,
  to: string,
  text: string,
  enter: boolean,
  emit: CommandContext['emit'],
): Promise<number> {
  const r = await broadcast(engine, parseRequest('broadcast', { to, text, enter }));
  emit(r, formatBroadcast(r));
  return r.failed ? 1 : 0;
}

export const approveCommands: Command[] = [
  {
    name: 'approve',
    usage:
      'approve <id> [--deny] [--always] [--expect <detail>] | approve --all-waiting [--repo R] [--host H] [--tool T] [--deny] [--always] [--dry-run] [--json]',
    summary: "answer a session's permission question on its screen (yes, always, or --deny)",
    options: {
      json: { type: 'boolean' },
      deny: { type: 'boolean' },
      always: { type: 'boolean' },
      expect: { type: 'string' },
      'all-waiting': { type: 'boolean' },
      repo: { type: 'string' },
      host: { type: 'string' },
      tool: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    async run({ args, values, engine, emit }) {
      const decision = decisionOf(values);
      if (flag(values, 'all-waiting')) {
        need(args, 0, this.usage);
        if (str(values, 'expect') !== undefined) throw new UsageError('--expect goes with one session id');
        const p = parseRequest('approveAll', {
          decision,
          ...(str(values, 'repo') ? { repo: str(values, 'repo') } : {}),
          ...(str(values, 'host') ? { host: str(values, 'host') } : {}),
          ...(str(values, 'tool') ? { tool: str(values, 'tool') } : {}),
          dryRun: flag(values, 'dry-run'),
        });
        const r = await approveAll(engine(), p);
        emit(r, formatApproveAll(r));
        return r.items.some((i) => !i.ok) ? 1 : 0;
      }
      for (const f of ['repo', 'host', 'tool', 'dry-run'])
        if (values[f] !== undefined) throw new UsageError(`--${f} goes with --all-waiting`);
      need(args, 1, this.usage);
      const expect = str(values, 'expect');
      const r = await approve(
        engine(),
        parseRequest('approve', { id: args[0]!, decision, ...(expect !== undefined ? { expect } : {}) }),
      );
      emit(r, `${r.id}: ${r.detail ? `${r.detail} → ` : ''}${r.option}\n`);
      return 0;
    },
  },
];
