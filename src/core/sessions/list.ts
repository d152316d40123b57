// Sessions are rediscovered, never cached: one list-panes per host, joined with git (one
// `worktree list` per repo that has sessions) and with the configured repo names.
import type { RepoConfig, SessionInfo } from '../../shared/model.ts';
import { Git } from '../git/git.ts';
import type { HostContext } from '../hosts/registry.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { deriveState, stateProvenance } from '../status/derive.ts';
import { hostRecords, stoppedSessions } from './stopped.ts';
import { aheadBehind } from '../review/ahead-behind.ts';

/** One Orchard pane per session: the first pane of each tagged session. */
export function orchardPanes(panes: PaneRecord[]): PaneRecord[] {
  const seen = new Set<string>();
  const out: PaneRecord[] = [];
  for (const p of panes) {
    const id = p['@orchard_id'];
    if (!id || seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

export function paneToSession(
  p: PaneRecord,
  hostName: string,
  repos: readonly RepoConfig[],
  nowMs: number,
): SessionInfo {
  const repoPath = p['@orchard_repo_path'];
  const repo = repos.find((r) => r.host === hostName && r.path === repoPath);
  const derived = deriveState(p, nowMs);
  const pid = Number(p.pane_pid);
  return {
    id: p['@orchard_id'],
    repo: repo?.name ?? p['@orchard_repo'] ?? repoPath,
    repoPath,
    branch: p['@orchard_branch'],
    worktree: p['@orchard_worktree'],
    ...(p['@orchard_owns_worktree'] === '1' ? { ownsWorktree: true } : {}),
    host: hostName,
    agent: p['@orchard_agent'],
    ...derived,
    ...stateProvenance(p),
    pid: Number.isFinite(pid) && pid > 0 ? pid : null,
    createdAt: p['@orchard_created'] || new Date(Number(p.session_created) * 1000).toISOString(),
    ...(p['@orchard_agent_session'] ? { agentSessionId: p['@orchard_agent_session'] } : {}),
    ...(p['@orchard_setup'] === 'running' || p['@orchard_setup'] === 'failed'
      ? { setup: p['@orchard_setup'] }
      : {}),
    tmuxSession: p.session_name,
    paneId: p.pane_id,
    ...(p['@orchard_base'] ? { base: p['@orchard_base'] } : {}),
    ...(p['@orchard_pr'] ? { prUrl: p['@orchard_pr'] } : {}),
    ...(p['@orchard_merged'] ? { merged: p['@orchard_merged'] } : {}),
    ...(p['@orchard_headless'] === 'stream-json' || p['@orchard_headless'] === 'argv'
      ? { headless: p['@orchard_headless'] }
      : {}),
  };
}

/** The branch checked out in each session's worktree now (the user may have switched it). */
async function joinWithGit(ctx: HostContext, sessions: SessionInfo[]): Promise<void> {
  const byRepo = new Map<string, SessionInfo[]>();
  for (const s of sessions) byRepo.set(s.repoPath, [...(byRepo.get(s.repoPath) ?? []), s]);
  await Promise.all(
    [...byRepo].map(async ([repoPath, list]) => {
      try {
        const wts = await new Git(ctx.host, repoPath).worktrees();
        const byPath = new Map(wts.map((w) => [w.path, w]));
        for (const s of list) {
          const wt = byPath.get(s.worktree);
          if (wt?.branch) s.branch = wt.branch;
          // git's own marker, read in the same call: no extra process per tick.
          if (wt?.lockedReason === 'initializing')
            s.worktreeBroken = 'git worktree add did not finish (locked initializing)';
        }
        await aheadBehind(ctx.host, repoPath, list);
      } catch {
        // Repo moved or deleted: keep the tags tmux holds; the session itself is still real.
      }
    }),
  );
}

export async function listHostSessions(
  ctx: HostContext,
  repos: readonly RepoConfig[],
  nowMs = Date.now(),
  withGit = true,
): Promise<SessionInfo[]> {
  // The records (stopped sessions) are read alongside tmux: fs locally, one exec over SSH.
  const [all, records] = await Promise.all([ctx.tmux.listPanes(), hostRecords(ctx)]);
  const sessions = orchardPanes(all).map((p) => paneToSession(p, ctx.host.name, repos, nowMs));
  if (withGit) await joinWithGit(ctx, sessions);
  return [...sessions, ...(await stoppedSessions(ctx, records, sessions, repos))];
}
