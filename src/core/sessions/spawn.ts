// Spawn = worktree (made or reused) + tmux session + agent, as one operation: what it made is
// rolled back when a later step fails or the user interrupts (claude-squad's Start defers Kill on
// error). Across processes it runs under the locks of lock.ts, taken by the Engine.
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type {
  AgentProfile,
  BranchInfo,
  RepoConfig,
  ResourceLimits,
  WorktreeInfo,
} from '../../shared/model.ts';
import { claudeArgv } from '../agents/claude-args.ts';
import { CLAUDE_SETTINGS_FILE, claudeSettings } from '../agents/claude-hooks.ts';
import { prepareSignals, withSignalArgs } from '../agents/signals.ts';
import { Git } from '../git/git.ts';
import { defaultBase } from '../review/base.ts';
import { encodeLimitsTag, hasLimits, prepareLimits } from '../limits/limits.ts';
import type { HostContext } from '../hosts/registry.ts';
import type { NewSessionSpec } from '../tmux/tmux.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { worktreePathFor } from '../repos.ts';
import { orchardPanes } from './list.ts';
import { recordOf, writeRecord, type SessionRecord } from './records.ts';
import { prepareTranscript } from './transcript.ts';
import { findBrokenWorktrees, removeBrokenWorktree } from './broken.ts';
import type { PendingSpawn } from './lock.ts';
import { prepareHeadless } from './headless.ts';
import { branchSlug, randomId } from '../util/slug.ts';

export interface SpawnOptions {
  branch: string;
  newBranch?: boolean;
  from?: string;
  cols?: number;
  rows?: number;
  /** Memory / CPU limits, enforced by the host's limit backend (src/core/limits). */
  limits?: ResourceLimits;
  /** Headless (src/core/sessions/headless.ts): JSON messages through a pipe, no terminal UI. */
  headless?: boolean;
  /** A headless session's first message. */
  prompt?: string;
}

export interface SpawnPlan {
  branch: string;
  worktree: string;
  /** What this spawn creates and must undo on failure. */
  createsWorktree: boolean;
  create?: { base: string; track: boolean };
}

function remoteMatch(refs: BranchInfo[], name: string): BranchInfo | undefined {
  const exact = refs.find((b) => b.kind === 'remote' && b.name === name);
  if (exact) return exact;
  const tails = refs.filter((b) => b.kind === 'remote' && b.name.slice(b.name.indexOf('/') + 1) === name);
  return tails.length === 1 ? tails[0] : undefined;
}

/** The local branch a spawn will use (`origin/x` → `x`): the name its lock is taken on. */
export function localBranchName(refs: BranchInfo[], opts: SpawnOptions): string {
  if (opts.newBranch || refs.some((r) => r.kind === 'local' && r.name === opts.branch)) return opts.branch;
  const remote = remoteMatch(refs, opts.branch);
  return remote ? remote.name.slice(remote.name.indexOf('/') + 1) : opts.branch;
}

/** What a spawn needs from its caller to be safe across processes (Engine holds the locks). */
export interface SpawnGuards {
  /** Record what is about to be made, BEFORE it is made: a SIGKILL leaves Orchard's ownership on disk. */
  mark(p: PendingSpawn): Promise<void>;
  /** Run work that changes git's worktree records with no other spawn of this repo doing so. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Aborted by SIGINT/SIGTERM/SIGHUP in the CLI: stop and undo everything made so far. */
  signal?: AbortSignal;
}

export const NO_GUARDS: SpawnGuards = { mark: async () => undefined, exclusive: (fn) => fn() };

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new OrchardError(
      'command-failed',
      `spawn interrupted${typeof signal.reason === 'string' ? ` by ${signal.reason}` : ''}; what it had made was removed`,
    );
}

/**
 * Decide what worktree serves `branch`. Changes nothing, except dropping git's record of a
 * worktree whose folder is gone when that very record blocks this branch or path (a user deleted
 * the folder by hand). Other stale records are left alone: their disk may just be unmounted.
 * Branches match exactly: a record of `login` never blocks `feature/login`.
 */
export async function planWorktree(
  ctx: HostContext,
  git: Git,
  repo: RepoConfig,
  opts: SpawnOptions,
  guards: SpawnGuards = NO_GUARDS,
): Promise<SpawnPlan> {
  const [refs, listed] = await Promise.all([git.branchRefs(), git.worktrees()]);
  const name = localBranchName(refs, opts);
  const path = worktreePathFor(repo, name);
  const blocking = listed.filter((w) => w.prunable && (w.branch === name || w.path === path));
  if (blocking.length)
    await guards.exclusive(async () => {
      for (const w of blocking) await git.dropStaleRecord(w.path);
    });
  const wts = listed.filter((w) => !blocking.includes(w));
  const holder = (b: string): WorktreeInfo | undefined => wts.find((w) => w.branch === b);
  const local = (b: string) => refs.some((r) => r.kind === 'local' && r.name === b);
  const freshPath = async (b: string) => {
    const p = worktreePathFor(repo, b);
    if (wts.some((w) => w.path === p) || (await ctx.host.exists(p)))
      throw new OrchardError(
        'command-failed',
        `worktree path already in use: ${p} (move it away, or remove it with git worktree remove)`,
      );
    return p;
  };

  if (opts.newBranch) {
    if (!(await git.isValidBranchName(opts.branch)))
      throw new OrchardError(
        'invalid-branch-name',
        `not a valid branch name: ${JSON.stringify(opts.branch)}`,
      );
    if (local(opts.branch))
      throw new OrchardError('branch-exists', `branch already exists: ${opts.branch} (drop --new to use it)`);
    if (opts.from && !refs.some((r) => r.name === opts.from) && !(await git.isCommit(opts.from)))
      throw new OrchardError('branch-not-found', `base not found: ${opts.from} (a branch, tag or commit)`);
    const base = opts.from ?? (await git.headBranch()) ?? 'HEAD';
    const worktree = await freshPath(opts.branch);
    return { branch: opts.branch, worktree, createsWorktree: true, create: { base, track: false } };
  }
  if (local(name)) {
    const held = holder(name);
    if (held) return { branch: name, worktree: held.path, createsWorktree: false };
    return { branch: name, worktree: await freshPath(name), createsWorktree: true };
  }
  const remote = remoteMatch(refs, opts.branch);
  if (remote) {
    const worktree = await freshPath(name);
    return { branch: name, worktree, createsWorktree: true, create: { base: remote.name, track: true } };
  }
  throw new OrchardError(
    'branch-not-found',
    `branch not found in ${repo.name}: ${opts.branch} (use --new to create it)`,
  );
}

async function ensureCommand(ctx: HostContext, profile: AgentProfile): Promise<void> {
  const cmd = profile.command[0];
  if (!cmd) throw new OrchardError('invalid-argument', `agent profile ${profile.id} has an empty command`);
  const r = await ctx.host.exec(['sh', '-c', 'command -v "$1" >/dev/null 2>&1', 'sh', cmd]);
  if (r.code !== 0)
    throw new OrchardError(
      'tool-missing',
      `agent command not found on ${ctx.host.name}: ${cmd} (install it or pick another profile)`,
    );
}

/**
 * The agent's argv and environment; Claude Code gets its session id and the hooks settings file,
 * Codex, Gemini CLI and OpenCode their native signals (agents/signals.ts).
 */
async function agentArgv(
  ctx: HostContext,
  profile: AgentProfile,
  agentSessionId: string | undefined,
): Promise<{ argv: string[]; env?: Record<string, string> }> {
  if (profile.kind !== 'claude' || !agentSessionId) {
    const signals = await prepareSignals(ctx, profile.kind);
    return { argv: withSignalArgs(profile.command, signals), ...(signals ? { env: signals.env } : {}) };
  }
  const file = posix.join(await ctx.home(), 'hooks', CLAUDE_SETTINGS_FILE);
  const argv = claudeArgv(profile, agentSessionId, file); // checks the permission mode first
  await ctx.host.writeFile(file, JSON.stringify(claudeSettings(), null, 2) + '\n');
  return { argv };
}

export function tmuxSessionName(branch: string, id: string): string {
  return `${branchSlug(branch).replace(/[.:]/g, '_').slice(0, 40)}-${id}`;
}

export interface SpawnResult {
  id: string;
  branch: string;
  worktree: string;
  /** The new pane, read back in the same tmux call that made it. */
  pane: PaneRecord;
}

/** What a spawn will do, decided with no side effect but the (constant) hooks settings file. */
export interface PreparedSpawn {
  ctx: HostContext;
  git: Git;
  plan: SpawnPlan;
  spec: NewSessionSpec;
  id: string;
  limits: SpawnOptions['limits'];
  /** Set by a resume: what the session's earlier record carries over (records.ts). */
  resumes?: Pick<SessionRecord, 'base' | 'command'>;
  /** Runs once the worktree is made, before the session (the .worktreeinclude copy, setup.ts). */
  afterWorktree?: () => Promise<void>;
}

/**
 * A worktree an interrupted spawn or git left half-made, where this spawn would run: removed when
 * Orchard made it and nothing runs there, else a clear refusal. Never handed to an agent.
 */
async function clearBroken(
  ctx: HostContext,
  repo: RepoConfig,
  branch: string,
  panes: PaneRecord[],
  guards: SpawnGuards,
): Promise<void> {
  const path = worktreePathFor(repo, branch);
  const broken = (
    await findBrokenWorktrees(ctx, repo.path, {
      panes,
      ...(repo.worktreeRoot ? { worktreeRoot: repo.worktreeRoot } : {}),
    })
  ).filter((b) => b.branch === branch || b.path === path);
  for (const b of broken) {
    if (!b.owned || b.sessionIds.length)
      throw new OrchardError(
        'worktree-locked',
        `worktree ${b.path} is broken (${b.reason}); ` +
          (b.sessionIds.length
            ? `session ${b.sessionIds[0]} runs in it: kill it with orchard kill ${b.sessionIds[0]} --remove-worktree --force`
            : `it was not made by Orchard: remove it with git worktree remove --force --force`),
      );
    await guards.exclusive(() => removeBrokenWorktree(ctx, repo.path, b));
  }
}

/**
 * Check for a live session on the branch, clear a broken worktree Orchard left, then plan the
 * worktree, check the agent command and build its argv (independent round trips, in parallel).
 * Run under the branch's spawn lock: these checks are the re-check after taking it.
 */
export async function prepareSpawn(
  ctx: HostContext,
  repo: RepoConfig,
  profile: AgentProfile,
  opts: SpawnOptions & { localBranch?: string },
  guards: SpawnGuards = NO_GUARDS,
): Promise<PreparedSpawn> {
  const git = new Git(ctx.host, repo.path);
  const id = randomId();
  const agentSessionId = profile.kind === 'claude' ? randomUUID() : undefined;
  const panes = await ctx.tmux.listPanes();
  const mine = orchardPanes(panes).filter(
    (p) => p['@orchard_repo_path'] === repo.path && p.pane_dead !== '1',
  );
  const branch = opts.localBranch ?? opts.branch;
  const running = mine.find((p) => p['@orchard_branch'] === branch);
  if (running)
    throw new OrchardError(
      opts.newBranch ? 'branch-exists' : 'session-exists',
      (opts.newBranch ? `branch already exists: ${branch}; ` : '') +
        `session ${running['@orchard_id']} already runs on ${opts.newBranch ? 'it' : branch} (${running['@orchard_worktree']})`,
    );
  await clearBroken(ctx, repo, branch, panes, guards);
  const [plan, launch, base, transcript] = await Promise.all([
    planWorktree(ctx, git, repo, opts, guards),
    ensureCommand(ctx, profile).then(() => agentArgv(ctx, profile, agentSessionId)),
    opts.from ?? defaultBase(ctx.host, repo.path).catch(() => ''),
    prepareTranscript(ctx, id),
  ]);
  const live = orchardPanes(panes).find(
    (p) => p['@orchard_worktree'] === plan.worktree && p.pane_dead !== '1',
  );
  if (live)
    throw new OrchardError(
      'session-exists',
      `session ${live['@orchard_id']} already runs on ${plan.branch} (${plan.worktree})`,
    );
  const spec: NewSessionSpec = {
    name: tmuxSessionName(plan.branch, id),
    cwd: plan.worktree,
    argv: launch.argv,
    env: { ORCHARD_SESSION_ID: id, ...(launch.env ?? {}), ...(profile.env ?? {}) },
    tags: {
      '@orchard_id': id,
      '@orchard_repo': repo.name,
      '@orchard_repo_path': repo.path,
      '@orchard_branch': plan.branch,
      '@orchard_worktree': plan.worktree,
      '@orchard_owns_worktree': plan.createsWorktree ? '1' : '',
      '@orchard_agent': profile.id,
      '@orchard_agent_session': agentSessionId ?? '',
      '@orchard_created': new Date().toISOString(),
      '@orchard_base': base,
    },
    ...(opts.cols ? { cols: opts.cols } : {}),
    ...(opts.rows ? { rows: opts.rows } : {}),
    transcript,
  };
  if (opts.headless) await prepareHeadless(ctx, profile, spec, id, opts.prompt);
  return { ctx, git, plan, spec, id, limits: opts.limits };
}

/**
 * Make the worktree (if needed), the limits and the tmux session; undo what was made on failure
 * or interruption: the session, the worktree, and a branch this spawn created (only while it still
 * points at its starting commit and nothing else uses it).
 */
export async function executeSpawn(p: PreparedSpawn, guards: SpawnGuards = NO_GUARDS): Promise<SpawnResult> {
  const { ctx, plan, spec, id, limits } = p;
  const undo: Array<() => Promise<void>> = [];
  const record = recordOf(p); // before the limits prefix changes spec.argv
  let pane: PaneRecord;
  try {
    checkAbort(guards.signal);
    if (hasLimits(limits)) {
      const placed = await prepareLimits(ctx, id, limits);
      undo.push(placed.undo);
      spec.argv = [...placed.argvPrefix, ...spec.argv];
      Object.assign(spec.env, placed.env);
      spec.tags['@orchard_limits'] = encodeLimitsTag(placed.tag);
    }
    if (plan.createsWorktree) {
      await addWorktree(p, guards, undo);
      checkAbort(guards.signal);
      // The .worktreeinclude copy (setup.ts), into the worktree this spawn just made.
      await p.afterWorktree?.();
    }
    checkAbort(guards.signal);
    // If tmux made the session but the call still failed (a dropped SSH connection, a garbled
    // read-back), the session must not outlive the rollback of its worktree.
    undo.push(() => ctx.tmux.killSession(spec.name));
    pane = await ctx.tmux.newSession(spec);
    checkAbort(guards.signal);
    await writeRecord(ctx, record); // what outlives a reboot (records.ts)
  } catch (e) {
    const failed: unknown[] = [];
    for (const u of undo.reverse()) await u().catch((err: unknown) => failed.push(err));
    // Ctrl-C also reaches git (same process group): its failure is the interruption, say so.
    let err = e;
    try {
      checkAbort(guards.signal);
    } catch (interrupted) {
      err = interrupted;
    }
    if (failed.length) throw Object.assign(err as object, { rollbackFailed: true });
    throw err;
  }
  return { id, branch: plan.branch, worktree: plan.worktree, pane };
}

async function addWorktree(
  p: PreparedSpawn,
  guards: SpawnGuards,
  undo: Array<() => Promise<void>>,
): Promise<void> {
  const { ctx, git, plan } = p;
  const base = plan.create ? await git.revParse(plan.create.base) : undefined;
  await guards.mark({
    branch: plan.branch,
    worktree: plan.worktree,
    ...(plan.create ? { createdBranch: true, base } : {}),
  });
  // Pushed before the add: a failed or interrupted add leaves a half checkout (or a folder) too.
  undo.push(() =>
    guards.exclusive(async () => {
      const wts = await git.worktrees();
      if (wts.some((w) => w.path === plan.worktree)) await git.forceRemoveWorktree(plan.worktree);
      else await ctx.host.exec(['rm', '-rf', '--', plan.worktree]);
      // The worktree root, if this spawn made it and it is empty (rmdir refuses otherwise).
      await ctx.host.exec(['rmdir', '--', posix.dirname(plan.worktree)]);
      if (plan.create && base && !(await git.worktrees()).some((w) => w.branch === plan.branch))
        await git.deleteBranchAt(plan.branch, base);
    }),
  );
  await guards.exclusive(async () => {
    await ctx.host.mkdirp(posix.dirname(plan.worktree));
    if (plan.create)
      await git.addWorktreeNewBranch(plan.worktree, plan.branch, plan.create.base, plan.create.track);
    else await git.addWorktree(plan.worktree, plan.branch);
  });
}
