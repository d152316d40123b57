// Sessions Orchard recorded whose tmux session is gone (a reboot, `tmux kill-server`): listed as
// `stopped`, with when they were last seen, instead of vanishing. Records of sessions tmux still
// has are skipped (tmux is the truth for what runs) and get their lastSeen refreshed.
import { OrchardError } from '../../shared/errors.ts';
import { LOCAL_HOST, type RepoConfig, type SessionInfo } from '../../shared/model.ts';
import type { HostContext } from '../hosts/registry.ts';
import {
  readRecords,
  removeRecord,
  reportCorrupt,
  reportUnreadable,
  touchDue,
  touchLocalRecords,
  type RecordsRead,
  type SessionRecord,
} from './records.ts';

export interface HostRecords extends RecordsRead {
  /** This machine, and time to refresh the running sessions' lastSeen (done with fs afterwards). */
  touch: boolean;
}

/** The host's records; a host whose records cannot be read lists its live sessions as usual. */
export async function hostRecords(ctx: HostContext): Promise<HostRecords> {
  try {
    // Over SSH the read itself refreshes the running sessions' lastSeen when due (same exec).
    const due = touchDue(ctx);
    const read = { ...(await readRecords(ctx, due)), touch: due && ctx.host.name === LOCAL_HOST };
    reportCorrupt(ctx.host.name, read.corrupt);
    return read;
  } catch (e) {
    // A lost connection is the host's news (it is listed unreachable), not a corrupt record; a
    // folder that cannot be read is said once.
    if (!(e instanceof OrchardError && e.code === 'host-unreachable'))
      reportUnreadable(ctx.host.name, (e as Error).message);
    return { records: [], corrupt: [], touch: false };
  }
}

export function recordToSession(
  rec: SessionRecord,
  hostName: string,
  repos: readonly RepoConfig[],
): SessionInfo {
  const repo = repos.find((r) => r.host === hostName && r.path === rec.repoPath);
  return {
    id: rec.id,
    repo: repo?.name ?? rec.repo,
    repoPath: rec.repoPath,
    branch: rec.branch,
    worktree: rec.worktree,
    ...(rec.ownsWorktree ? { ownsWorktree: true } : {}),
    host: hostName,
    agent: rec.agent,
    state: 'stopped',
    reason: 'tmux session gone',
    pid: null,
    createdAt: rec.createdAt,
    ...(rec.agentSessionId ? { agentSessionId: rec.agentSessionId } : {}),
    lastSeen: rec.lastSeen,
    tmuxSession: rec.tmuxSession,
    paneId: '',
  };
}

/** Records with no tmux session → stopped sessions; the live ones' records are touched (lastSeen). */
export async function stoppedSessions(
  ctx: HostContext,
  read: HostRecords,
  live: readonly SessionInfo[],
  repos: readonly RepoConfig[],
): Promise<SessionInfo[]> {
  const liveIds = new Set(live.map((s) => s.id));
  if (read.touch)
    await touchLocalRecords(
      ctx,
      read.records.filter((r) => liveIds.has(r.id)).map((r) => r.id),
    ).catch(() => undefined);
  // One session per worktree: a record whose worktree now has another live session (a fresh spawn
  // there after the reboot) is superseded, and dropped.
  const busy = new Set(live.map((s) => s.worktree));
  const stopped = read.records.filter((r) => !liveIds.has(r.id));
  for (const r of stopped.filter((x) => busy.has(x.worktree)))
    await removeRecord(ctx, r.id).catch(() => undefined);
  return stopped.filter((r) => !busy.has(r.worktree)).map((r) => recordToSession(r, ctx.host.name, repos));
}
