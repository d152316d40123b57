// The review operations by session id, for the CLI and the router alike: find the session, run git
// on its host, remember what is worth remembering as the session's tmux tags. Operations on one
// branch are serialized in this process (two clicks on Merge must not race each other).
import type {
  CleanupResult,
  CommitResult,
  DiffParams,
  DiffResult,
  FilePatch,
  FilePatchParams,
  MergeParams,
  MergeResult,
  PrParams,
  PrResult,
  PushResult,
} from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { SessionInfo } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import type { HostContext } from '../hosts/registry.ts';
import { killSession } from '../sessions/kill.ts';
import { BASE_TAG, MERGED_TAG, PR_TAG, checkBase, sessionBase, setSessionTag } from './base.ts';
import { filePatch, listChanges } from './diff.ts';
import { isAncestor, resolveCommit } from './gitx.ts';
import { commitWorktree, deleteMergedBranch, planMerge, runMerge } from './merge.ts';
import { withBranchLock } from '../sessions/lock.ts';
import { createPr, pushBranch } from './remote.ts';

const queues = new Map<string, Promise<unknown>>();

async function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
  queues.set(key, run);
  try {
    return await run;
  } finally {
    if (queues.get(key) === run) queues.delete(key);
  }
}

async function open(engine: Engine, id: string): Promise<{ s: SessionInfo; ctx: HostContext }> {
  const s = await engine.find(id);
  return { s, ctx: await engine.hosts.get(s.host) };
}

export async function diff(engine: Engine, p: DiffParams): Promise<DiffResult> {
  const { s, ctx } = await open(engine, p.id);
  const base = p.base ?? (await sessionBase(ctx.host, s));
  if (p.base) await checkBase(ctx.host, s.repoPath, p.base);
  const snap = await listChanges(ctx.host, s.worktree, base, !!p.patches);
  const { files } = snap;
  const branch = snap.branch ?? 'HEAD';
  return {
    id: s.id,
    branch,
    base,
    baseSha: snap.baseSha,
    mergeBase: snap.mergeBase,
    tree: snap.tree,
    files,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
  };
}

export async function patch(engine: Engine, p: FilePatchParams): Promise<FilePatch> {
  const { s, ctx } = await open(engine, p.id);
  return filePatch(ctx.host, s.worktree, p.mergeBase, p.tree, p.path, p.oldPath);
}

const key = (s: SessionInfo) => `${s.host}\0${s.repoPath}\0${s.branch}`;

export async function commit(
  engine: Engine,
  id: string,
  message: string,
  all: boolean,
): Promise<CommitResult> {
  const { s, ctx } = await open(engine, id);
  return serialized(key(s), async () => ({ id: s.id, ...(await commitWorktree(ctx.host, s, message, all)) }));
}

export async function setBase(engine: Engine, id: string, base: string): Promise<SessionInfo> {
  const { s, ctx } = await open(engine, id);
  await checkBase(ctx.host, s.repoPath, base);
  await setSessionTag(ctx, s, BASE_TAG, base);
  return { ...s, base };
}

export async function merge(engine: Engine, p: MergeParams): Promise<MergeResult> {
  const { s, ctx } = await open(engine, p.id);
  const { host } = ctx;
  const mode = p.mode ?? 'merge';
  if (p.deleteBranch && !p.deleteWorktree)
    throw new OrchardError(
      'invalid-argument',
      'deleting the branch needs --delete-worktree (it is checked out there)',
    );
  if (p.deleteBranch && mode === 'squash')
    throw new OrchardError(
      'invalid-argument',
      'a squash merge never fully merges the branch; it is kept (drop --delete-branch)',
    );
  const into = p.into ?? (await sessionBase(host, s));
  // Serialized here, and across processes by the branch's lock (the one spawns take).
  return serialized(key(s), () =>
    withBranchLock(ctx, s.repoPath, s.branch, async () => {
      const input = { host, s, into, mode, all: !!p.all, ...(p.message ? { message: p.message } : {}) };
      let plan = await planMerge(input);
      let committed: string | undefined;
      if (plan.dirty) {
        const msg = p.message?.trim() || `${plan.branch}: work of session ${s.id}`;
        committed = (await commitWorktree(host, s, msg, true)).sha;
        plan = await planMerge({ ...input, all: false });
      }
      const sha = await runMerge(host, s, plan, mode, p.message);
      await setSessionTag(ctx, s, MERGED_TAG, `${into} ${sha}`).catch(() => undefined);
      const result: MergeResult = {
        id: s.id,
        branch: plan.branch,
        into,
        mode,
        fastForward: plan.fastForward && mode !== 'squash',
        sha,
        where: plan.target,
        ...(committed ? { committed } : {}),
        worktreeRemoved: false,
        branchDeleted: false,
      };
      if (p.deleteWorktree) {
        const config = await engine.store.read();
        const k = await killSession(ctx, s, config.repos, { removeWorktree: true });
        result.worktreeRemoved = k.worktreeRemoved;
        if (k.worktreeError)
          throw new OrchardError('command-failed', `merged, but the worktree was kept: ${k.worktreeError}`);
        if (p.deleteBranch) {
          await deleteMergedBranch(host, s.repoPath, plan.branch, into);
          result.branchDeleted = true;
        }
      }
      return result;
    }),
  );
}

export async function push(engine: Engine, id: string): Promise<PushResult> {
  const { s, ctx } = await open(engine, id);
  return serialized(key(s), () => pushBranch(ctx.host, s));
}

export async function pr(engine: Engine, p: PrParams): Promise<PrResult> {
  const { s, ctx } = await open(engine, p.id);
  const base = await sessionBase(ctx.host, s);
  const r = await serialized(key(s), () => createPr(ctx.host, s, { ...p, base }));
  if (r.url) await setSessionTag(ctx, s, PR_TAG, r.url);
  return r;
}

/** The Clean up button: end a merged session and remove the worktree Orchard made for it. */
export async function cleanup(engine: Engine, id: string): Promise<CleanupResult> {
  const { s, ctx } = await open(engine, id);
  const into = await sessionBase(ctx.host, s);
  if (
    !(await resolveCommit(ctx.host, s.repoPath, into)) ||
    !(await isAncestor(ctx.host, s.repoPath, `refs/heads/${s.branch}`, into))
  )
    throw new OrchardError('invalid-argument', `${s.branch} is not merged into ${into}; nothing was removed`);
  const config = await engine.store.read();
  const k = await withBranchLock(ctx, s.repoPath, s.branch, () =>
    killSession(ctx, s, config.repos, { removeWorktree: true }),
  );
  if (k.worktreeError)
    throw new OrchardError('command-failed', `session ended, but the worktree was kept: ${k.worktreeError}`);
  return { id: s.id, worktree: s.worktree, worktreeRemoved: k.worktreeRemoved };
}
