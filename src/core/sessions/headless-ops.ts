// Reading a headless session's events for the CLI and the window: from its own host while it is
// listed, else from any host that still has its log (the session was killed; the log stays until gc).
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { HeadlessEventsResult } from '../../shared/headless.ts';
import type { GcItem } from '../../shared/api.ts';
import type { SessionInfo } from '../../shared/model.ts';
import type { HostContext } from '../hosts/registry.ts';
import { pipesDir, readEvents } from './headless.ts';
import { checkSessionId, hostHolding } from './transcript.ts';

export interface HeadlessSource {
  readonly hosts: { names(): Promise<string[]>; get(name: string): Promise<HostContext> };
  find(id: string): Promise<SessionInfo>;
}

/** The host holding session `id`'s event log, and the session when it is still listed. */
export async function headlessHost(
  src: HeadlessSource,
  id: string,
): Promise<{ ctx: HostContext; session: SessionInfo | null }> {
  checkSessionId(id);
  try {
    const session = await src.find(id);
    if (!session.headless)
      throw new OrchardError(
        'invalid-argument',
        `session ${id} is not headless (see orchard log ${id} for its transcript)`,
      );
    return { ctx: await src.hosts.get(session.host), session };
  } catch (e) {
    if (!(e instanceof OrchardError) || e.code !== 'session-not-found') throw e;
    const ctx = await hostHolding(src.hosts, async (c) => (await readEvents(c, id, 0, 1)) !== null);
    if (!ctx) throw new OrchardError('session-not-found', `no session or event log with id ${id}`);
    return { ctx, session: null };
  }
}

/** Events since `offset`; `running` says whether a message sent now would reach the agent. */
export async function headlessEvents(
  src: HeadlessSource,
  id: string,
  offset = 0,
): Promise<HeadlessEventsResult> {
  const { ctx, session } = await headlessHost(src, id);
  const read = await readEvents(ctx, id, offset);
  const running =
    !!session &&
    session.headless === 'stream-json' &&
    !['exited', 'stopped', 'unreachable'].includes(session.state);
  return read ? { ...read, running } : { id, events: [], offset, running };
}

/** For `gc`: the pipes folders (FIFO and event log) of sessions that neither run nor have a record. */
export async function oldEventLogs(
  ctx: HostContext,
  sessions: SessionInfo[],
  dryRun: boolean,
): Promise<GcItem[]> {
  const known = new Set(sessions.map((s) => s.id));
  const dir = posix.dirname(await pipesDir(ctx, '0'));
  const r = await ctx.host.exec([
    'sh',
    '-c',
    'cd -- "$1" 2>/dev/null && ls -1; exit 0',
    'orchard-pipes',
    dir,
  ]);
  const ids = r.stdout.split('\n').filter((f) => /^[0-9a-f]{1,64}$/.test(f) && !known.has(f));
  if (!ids.length) return [];
  let error: string | undefined;
  if (!dryRun) {
    const rm = await ctx.host.exec(['rm', '-rf', '--', ...ids.map((id) => posix.join(dir, id))]);
    if (rm.code !== 0) error = rm.stderr.trim() || `rm exited ${rm.code}`;
  }
  return [
    {
      host: ctx.host.name,
      repo: '',
      worktree: dir,
      branch: null,
      action: 'remove-event-logs',
      reason: `${ids.length} headless event log(s) of sessions that no longer exist`,
      done: !dryRun && !error,
      ...(error ? { error } : {}),
    },
  ];
}
