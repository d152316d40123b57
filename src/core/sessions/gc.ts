// `orchard gc`: remove the worktrees Orchard made (@orchard_owns_worktree) whose branch is merged into
// its base, whose sessions have all ended and which hold no uncommitted change; and git's records of
// worktrees whose folder is gone (only those, one by one), and worktrees a killed spawn left half-made.
// A worktree Orchard did not make is never touched. Everything is decided first; --dry-run stops there.
// A removal runs the repo's teardown first (a failing one keeps the worktree: gc never forces), and
// drops the durable records of the sessions it ends (records.ts). Transcripts (transcript.ts) of
// sessions that are neither running nor recorded any more are removed last.
import { posix } from 'node:path';
import type { GcItem, GcResult } from '../../shared/api.ts';
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import type { RepoConfig, SessionInfo } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import { Git } from '../git/git.ts';
import type { HostContext } from '../hosts/registry.ts';
import { sessionBase } from '../review/base.ts';
import { isAncestor, resolveCommit, statusLines } from '../review/gitx.ts';
import { findBrokenWorktrees, removeBrokenWorktree, type BrokenWorktree } from './broken.ts';
import { listHostSessions } from './list.ts';
import { withBranchLock } from './lock.ts';
import { removeRecord } from './records.ts';
import { runTeardown } from './teardown.ts';
import { transcriptFiles } from './transcript.ts';
import { oldEventLogs } from './headless-ops.ts';

interface Planned extends GcItem {
  /** Ended tmux sessions on the worktree, killed with it. */
  tmuxSessions: string[];
  /** Their ids: their records go with the worktree. */
  sessionIds: string[];
  repoPath: string;
  broken?: BrokenWorktree;
}

async function planRepo(
  ctx: HostContext,
  repoPath: string,
  repoName: string,
  sessions: SessionInfo[],
  worktreeRoot?: string,
): Promise<Planned[]> {
  const git = new Git(ctx.host, repoPath);
  const [wts, broken] = await Promise.all([
    git.worktrees(),
    findBrokenWorktrees(ctx, repoPath, worktreeRoot ? { worktreeRoot } : {}),
  ]);
  const out: Planned[] = [];
  const base = {
    host: ctx.host.name,
    repo: repoName,
    repoPath,
    done: false,
    tmuxSessions: [] as string[],
    sessionIds: [] as string[],
  };
  // Left half-made by a spawn that was killed (src/core/sessions/broken.ts): Orchard's own only.
  const removable = broken.filter((b) => b.owned && !b.sessionIds.length);
  for (const b of removable)
    out.push({
      ...base,
      worktree: b.path,
      branch: b.branch,
      action: 'remove-broken',
      reason: `${b.reason} (left by an interrupted spawn)`,
      broken: b,
    });
  const gone = new Set(removable.map((b) => b.path));
  for (const w of wts.slice(1).filter((x) => x.prunable && !gone.has(x.path)))
    out.push({
      ...base,
      worktree: w.path,
      branch: w.branch,
      action: 'prune-record',
      reason: 'its folder is gone',
    });
  const byWorktree = new Map<string, SessionInfo[]>();
  for (const s of sessions) byWorktree.set(s.worktree, [...(byWorktree.get(s.worktree) ?? []), s]);
  for (const [path, list] of byWorktree) {
    const w = wts.find((x) => x.path === path);
    // Only Orchard's own worktrees, never the main work tree, only ones git still lists as present.
    if (!w || w === wts[0] || w.prunable || w.locked || !list.every((s) => s.ownsWorktree)) continue;
    if (list.some((s) => s.state !== 'exited' && s.state !== 'stopped')) continue;
    if (!w.branch) continue;
    const first = list[0]!;
    const into = await sessionBase(ctx.host, first).catch(() => '');
    if (!into || !(await resolveCommit(ctx.host, repoPath, into))) continue;
    if (!(await isAncestor(ctx.host, repoPath, `refs/heads/${w.branch}`, into))) continue;
    if ((await statusLines(ctx.host, path)).length) continue;
    out.push({
      ...base,
      worktree: path,
      branch: w.branch,
      sessionId: first.id,
      action: 'remove-worktree',
      reason: `${w.branch} is merged into ${into}; its session has ended; no uncommitted changes`,
      tmuxSessions: list.filter((s) => s.state !== 'stopped').map((s) => s.tmuxSession),
      sessionIds: list.map((s) => s.id),
    });
  }
  return out;
}

async function execute(ctx: HostContext, repos: readonly RepoConfig[], item: Planned): Promise<void> {
  const git = new Git(ctx.host, item.repoPath);
  if (item.action === 'prune-record') return git.dropStaleRecord(item.worktree);
  if (item.action === 'remove-broken') return removeBrokenWorktree(ctx, item.repoPath, item.broken!);
  const td = await runTeardown(ctx, repos, {
    id: item.sessionId ?? '',
    repoPath: item.repoPath,
    worktree: item.worktree,
    branch: item.branch ?? '',
  });
  if (td && td.code !== 0)
    throw new OrchardError(
      'teardown-failed',
      `teardown failed (exit ${td.code}${td.timedOut ? ', timed out' : ''}); the worktree was kept: ${td.output.trim().split('\n').slice(-3).join(' / ')}`,
    );
  for (const t of item.tmuxSessions) await ctx.tmux.killSession(t);
  await git.removeWorktree(item.worktree, false);
  for (const id of item.sessionIds) await removeRecord(ctx, id).catch(() => undefined);
}

/** Transcripts of sessions that neither run nor have a record any more (one `rm` per host). */
async function oldTranscripts(ctx: HostContext, sessions: SessionInfo[], dryRun: boolean): Promise<GcItem[]> {
  const known = new Set(sessions.map((s) => s.id));
  const files = (await transcriptFiles(ctx)).filter((f) => {
    const id = /^([0-9a-f]{1,64})\.log(\.1)?$/.exec(f)?.[1];
    return id !== undefined && !known.has(id);
  });
  if (!files.length) return [];
  const dir = posix.join(await ctx.home(), 'logs');
  let error: string | undefined;
  if (!dryRun) {
    const r = await ctx.host.exec(['rm', '-f', '--', ...files.map((f) => posix.join(dir, f))]);
    if (r.code !== 0) error = r.stderr.trim() || `rm exited ${r.code}`;
  }
  return [
    {
      host: ctx.host.name,
      repo: '',
      worktree: dir,
      branch: null,
      action: 'remove-transcripts',
      reason: `${files.length} transcript file(s) of sessions that no longer exist`,
      done: !dryRun && !error,
      ...(error ? { error } : {}),
    },
  ];
}

export async function gc(engine: Engine, dryRun: boolean): Promise<GcResult> {
  const config = await engine.store.read();
  const items: GcItem[] = [];
  for (const name of await engine.hosts.names()) {
    let ctx: HostContext;
    let sessions: SessionInfo[];
    try {
      ctx = await engine.hosts.get(name);
      sessions = await listHostSessions(ctx, config.repos, Date.now(), false);
    } catch {
      continue; // an unreachable host is not cleaned: nothing there can be checked
    }
    const repos = new Map<string, string>();
    for (const r of config.repos.filter((x: RepoConfig) => x.host === name)) repos.set(r.path, r.name);
    for (const s of sessions) if (!repos.has(s.repoPath)) repos.set(s.repoPath, s.repo);
    for (const [repoPath, repoName] of repos) {
      let planned: Planned[];
      try {
        planned = await planRepo(
          ctx,
          repoPath,
          repoName,
          sessions.filter((s) => s.repoPath === repoPath),
          config.repos.find((r) => r.host === name && r.path === repoPath)?.worktreeRoot,
        );
      } catch {
        continue; // repo moved or deleted
      }
      for (const p of planned) {
        if (!dryRun) {
          try {
            // Under the branch's lock (the one spawns take): never while a spawn works on it.
            await (p.branch
              ? withBranchLock(ctx, p.repoPath, p.branch, () => execute(ctx, config.repos, p))
              : execute(ctx, config.repos, p));
            p.done = true;
          } catch (e) {
            p.error = toErrorValue(e).message;
          }
        }
        const { tmuxSessions: _t, sessionIds: _s, repoPath: _r, broken: _b, ...item } = p;
        items.push(item);
      }
    }
    try {
      // Listed again: the sessions this run ended are gone now, and so may their transcripts be.
      const now = dryRun ? sessions : await listHostSessions(ctx, config.repos, Date.now(), false);
      items.push(...(await oldTranscripts(ctx, now, dryRun)));
      items.push(...(await oldEventLogs(ctx, now, dryRun)));
    } catch {
      // No logs folder yet, or it cannot be read: nothing to clean.
    }
  }
  return { dryRun, items };
}
