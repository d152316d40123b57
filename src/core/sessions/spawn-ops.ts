// The engine's spawn: serialize spawns of one branch, take the branch's lock, finish what a dead
// spawn left, admit, plan, set up and start (spawn.ts and setup.ts do the work).
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import type { AgentProfile, RepoConfig, SessionInfo } from '../../shared/model.ts';
import { customCommandProfile } from '../agents/profiles.ts';
import type { EngineSpawnOptions } from '../engine.ts';
import { Git } from '../git/git.ts';
import type { HostContext, HostRegistry } from '../hosts/registry.ts';
import { admit } from '../limits/limits.ts';
import { resolveRepo } from '../repos.ts';
import type { OrchardConfig, Store } from '../store/store.ts';
import { undoPending } from './broken.ts';
import { paneToSession } from './list.ts';
import { acquireSpawnLock, type SpawnLock } from './lock.ts';
import { readySpawn } from './setup.ts';
import { executeSpawn, localBranchName, prepareSpawn, type SpawnGuards } from './spawn.ts';

export interface SpawnDeps {
  store: Store;
  hosts: HostRegistry;
  profile(id?: string): Promise<AgentProfile>;
}

/** Spawns under way in this process, by host, repo path and branch (one per Engine). */
export type SpawnsInFlight = Map<string, Promise<unknown>>;

/**
 * Spawns of one branch are serialized: in this process by a promise chain (a double-click, two
 * drops), across processes by a lock on the session's host (the app and `orchard web`, two CLIs).
 * The second sees the first's session and is refused instead of starting a second agent.
 */
export async function spawnSession(
  deps: SpawnDeps,
  spawning: SpawnsInFlight,
  opts: EngineSpawnOptions,
): Promise<SessionInfo> {
  const config = await deps.store.read();
  const repo = await resolveRepo(config, deps.hosts, opts.repo);
  const key = `${repo.host}\0${repo.path}\0${opts.branch}`;
  const run = (spawning.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => spawnLocked(deps, config, repo, opts));
  spawning.set(key, run);
  try {
    return await run;
  } finally {
    if (spawning.get(key) === run) spawning.delete(key);
  }
}

/**
 * Work that changes a repo's worktree records, one spawn at a time across processes. Not
 * abortable: a rollback after an interruption runs through here too.
 */
async function exclusive<T>(ctx: HostContext, repoPath: string, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireSpawnLock(ctx, { repoPath });
  try {
    return await fn();
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function spawnLocked(
  deps: SpawnDeps,
  config: OrchardConfig,
  repo: RepoConfig,
  opts: EngineSpawnOptions,
): Promise<SessionInfo> {
  const profile =
    opts.command !== undefined ? customCommandProfile(opts.command) : await deps.profile(opts.agent);
  const ctx = await deps.hosts.get(repo.host);
  const branch = localBranchName(await new Git(ctx.host, repo.path).branchRefs(), opts);
  const signal = opts.signal;
  const lock = await acquireSpawnLock(ctx, { repoPath: repo.path, branch, ...(signal ? { signal } : {}) });
  const guards: SpawnGuards = {
    mark: (p) => lock.update(p),
    exclusive: (fn) => exclusive(ctx, repo.path, fn),
    ...(signal ? { signal } : {}),
  };
  let keep = false;
  try {
    await finishInherited(ctx, repo, lock, guards);
    // Admission and planning are independent reads; nothing is made until both pass.
    const [, prepared] = await Promise.all([
      admit(ctx, profile, config.preferences, opts.force),
      prepareSpawn(ctx, repo, profile, { ...opts, localBranch: branch }, guards),
    ]);
    // A new worktree: disk reserve, trusted setup, .worktreeinclude copy (src/core/sessions/setup.ts).
    await readySpawn(ctx, repo, prepared, config.preferences, opts);
    const made = await executeSpawn(prepared, guards);
    return paneToSession(made.pane, ctx.host.name, config.repos, Date.now());
  } catch (e) {
    // A rollback that failed leaves the record: the next spawn of this branch finishes the undo.
    keep = (e as { rollbackFailed?: boolean } | null)?.rollbackFailed === true;
    throw e;
  } finally {
    await (keep ? lock.abandon() : lock.release()).catch(() => undefined);
  }
}

/** Undo what a dead spawn of this branch left (its lock was taken over with its record). */
async function finishInherited(
  ctx: HostContext,
  repo: RepoConfig,
  lock: SpawnLock,
  guards: SpawnGuards,
): Promise<void> {
  if (!lock.record.inherited?.length) return;
  try {
    await guards.exclusive(() => undoPending(ctx, repo, lock.record));
  } catch (e) {
    throw Object.assign(
      new OrchardError(
        'command-failed',
        `an interrupted spawn of ${lock.record.branch} left a worktree that could not be removed: ${toErrorValue(e).message}`,
      ),
      { rollbackFailed: true },
    );
  }
  await lock.update({ inherited: [] });
}
