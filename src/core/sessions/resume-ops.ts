// The engine's resume, restart, resume-all and forget: find the session and its record, then
// resume.ts does the work. resumeAll reads each host's records once, whatever their number.
import type { ForgetResult, ResumeAllResult, ResumeResult } from '../../shared/api.ts';
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import type { SessionInfo } from '../../shared/model.ts';
import { mergeProfiles } from '../agents/profiles.ts';
import type { Engine } from '../engine.ts';
import { readRecords, removeRecord } from './records.ts';
import { recordFromLive, resumeSession } from './resume.ts';

/**
 * Resumes of one session are serialized in this process (a double click, the banner and a tab at
 * once): the second finds the session running and is refused, instead of racing for its tmux name.
 */
const running = new Map<string, Promise<unknown>>();

function serialized<T>(id: string, run: () => Promise<T>): Promise<T> {
  const next = (running.get(id) ?? Promise.resolve()).catch(() => undefined).then(run);
  running.set(id, next);
  void next
    .finally(() => {
      if (running.get(id) === next) running.delete(id);
    })
    .catch(() => undefined);
  return next;
}

export function resumeById(engine: Engine, id: string, fresh: boolean): Promise<ResumeResult> {
  return serialized(id, () => resumeOne(engine, id, fresh));
}

async function resumeOne(engine: Engine, id: string, fresh: boolean): Promise<ResumeResult> {
  const s = await engine.find(id);
  const config = await engine.store.read();
  const ctx = await engine.hosts.get(s.host);
  const profiles = mergeProfiles(config.profiles);
  const rec =
    (await readRecords(ctx)).records.find((r) => r.id === id) ??
    recordFromLive(
      s,
      profiles.find((p) => p.id === s.agent),
    );
  const profile = profiles.find((p) => p.id === rec.agent);
  return resumeSession(ctx, rec, profile, s.state === 'stopped' ? undefined : s, config.repos, fresh);
}

/** Every stopped session (of one host, or all): hosts in parallel, one host's sessions one by one. */
export async function resumeAll(engine: Engine, host?: string): Promise<ResumeAllResult> {
  const config = await engine.store.read();
  const names = await engine.hosts.names();
  if (host && !names.includes(host)) throw new OrchardError('host-not-found', `no host named ${host}`);
  const profiles = mergeProfiles(config.profiles);
  const { sessions } = await engine.listAll();
  const out: ResumeAllResult = { resumed: [], failed: [] };
  const byHost = new Map<string, SessionInfo[]>();
  for (const s of sessions)
    if (s.state === 'stopped' && (!host || s.host === host))
      byHost.set(s.host, [...(byHost.get(s.host) ?? []), s]);
  await Promise.all(
    [...byHost].map(async ([name, list]) => {
      const ctx = await engine.hosts.get(name);
      const { records } = await readRecords(ctx);
      for (const s of list) {
        try {
          const rec = records.find((r) => r.id === s.id);
          if (!rec) throw new OrchardError('session-not-found', `the record of ${s.id} is gone`);
          const profile = profiles.find((p) => p.id === rec.agent);
          out.resumed.push(
            await serialized(s.id, () => resumeSession(ctx, rec, profile, undefined, config.repos, false)),
          );
        } catch (e) {
          out.failed.push({ id: s.id, host: name, error: toErrorValue(e) });
        }
      }
    }),
  );
  return out;
}

/** Drop a stopped session's record; the worktree and branch are left as they are. */
export async function forgetSession(engine: Engine, id: string): Promise<ForgetResult> {
  const s = await engine.find(id);
  if (s.state !== 'stopped')
    throw new OrchardError(
      'invalid-argument',
      `session ${id} still has its tmux session (${s.state}); end it with orchard kill ${id}`,
    );
  await removeRecord(await engine.hosts.get(s.host), id);
  return { id, host: s.host, worktree: s.worktree };
}
