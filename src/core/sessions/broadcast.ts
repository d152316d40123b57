// One prompt to many sessions: `orchard send --to <filter>` and the window's "Send to selected".
// Every target is tried (in parallel); the result says where the text went and where it did not
// (exited, stopped, host unreachable, tmux refused) instead of failing on the first.
import type { BroadcastItem, BroadcastParams, BroadcastResult } from '../../shared/approve.ts';
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import type { SessionInfo } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import { sendHeadless } from './headless.ts';

export type TargetFilter =
  { kind: 'all' } | { kind: 'repo' | 'host' | 'state'; value: string } | { kind: 'ids'; ids: string[] };

/** "all", "repo:R", "host:H", "state:S" (state "waiting:permission" too), "ids:a,b" or "a,b". */
export function parseTarget(spec: string): TargetFilter {
  const t = spec.trim();
  if (t === 'all') return { kind: 'all' };
  const m = /^(repo|host|state|ids?):(.+)$/.exec(t);
  if (m && m[1] !== 'id' && m[1] !== 'ids') return { kind: m[1] as 'repo' | 'host' | 'state', value: m[2]! };
  const ids = (m ? m[2]! : t)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!ids.length || ids.some((x) => !/^[0-9a-f]{1,64}$/i.test(x)))
    throw new OrchardError(
      'invalid-argument',
      `--to takes all, repo:<name>, host:<name>, state:<state> or session ids (a,b,c); not ${JSON.stringify(spec)}`,
    );
  return { kind: 'ids', ids };
}

export function matchTarget(s: SessionInfo, f: TargetFilter): boolean {
  switch (f.kind) {
    case 'all':
      return true;
    case 'repo':
      return s.repo === f.value;
    case 'host':
      return s.host === f.value;
    case 'state': {
      const [state, reason] = f.value.split(':');
      return s.state === state && (!reason || s.reason === reason);
    }
    case 'ids':
      return f.ids.includes(s.id);
  }
}

/** Why a session cannot take text now, from its listed state; undefined when it can. */
function undeliverable(s: SessionInfo): string | undefined {
  if (s.state === 'unreachable') return `host ${s.host} unreachable${s.detail ? `: ${s.detail}` : ''}`;
  if (s.state === 'exited') return `exited${s.exitCode !== undefined ? ` (code ${s.exitCode})` : ''}`;
  if (s.state === 'stopped') return 'stopped (orchard resume it first)';
  return undefined;
}

export async function broadcast(engine: Engine, p: BroadcastParams): Promise<BroadcastResult> {
  if (!p.text) throw new OrchardError('invalid-argument', 'nothing to send: the text is empty');
  const filter: TargetFilter = p.ids ? { kind: 'ids', ids: p.ids } : parseTarget(p.to ?? '');
  const { sessions, unreachable } = await engine.listAll();
  const targets = sessions.filter((s) => matchTarget(s, filter));
  const items: BroadcastItem[] = await Promise.all(
    targets.map(async (s): Promise<BroadcastItem> => {
      const base = { id: s.id, repo: s.repo, branch: s.branch, host: s.host };
      const why = undeliverable(s);
      if (why) return { ...base, delivered: false, error: why };
      try {
        const ctx = await engine.hosts.get(s.host);
        // A headless session reads messages from its pipe, not keys from its pane.
        if (s.headless) await sendHeadless(ctx, s, p.text);
        else await ctx.tmux.sendText(s.paneId, p.text, p.enter ?? true);
        return { ...base, delivered: true };
      } catch (e) {
        return { ...base, delivered: false, error: toErrorValue(e).message };
      }
    }),
  );
  // A host that is down and whose sessions were never seen by this machine: say so, once.
  for (const u of unreachable)
    if (
      (filter.kind === 'all' || (filter.kind === 'host' && filter.value === u.host)) &&
      !targets.some((x) => x.host === u.host)
    )
      items.push({
        id: '',
        repo: '',
        branch: '',
        host: u.host,
        delivered: false,
        error: `host ${u.host} unreachable: ${u.error}`,
      });
  if (filter.kind === 'ids')
    for (const id of filter.ids)
      if (!targets.some((s) => s.id === id))
        items.push({ id, repo: '', branch: '', host: '', delivered: false, error: 'no such session' });
  const delivered = items.filter((i) => i.delivered).length;
  return { delivered, failed: items.length - delivered, items };
}
