// Spawn = worktree (made or reused) + tmux session + agent, as one operation: what it made is
// rolled back when a later step fails (claude-squad's Start defers Kill on error).
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
import { branchSlug, randomId } from '../util/slug.ts';

export interface SpawnOptions {
  branch: string;
  newBranch?: boolean;
  from?: string;
  cols?: number;
  rows?: number;
  /** Memory / CPU limits, enforced by the host's limit backend (src/core/limits). */
  limits?: ResourceLimits;
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

/**
 * Decide what worktree serves `branch`. Changes nothing, except pruning git's record of a worktree
 * whose folder is gone when that record is what blocks this branch or path (a user deleted the
 * folder by hand). Other stale records are left alone: their disk may just be unmounted.
 */
export async function planWorktree(
  ctx: HostContext,
  git: Git,
  repo: RepoConfig,
  opts: SpawnOptions,
): Promise<SpawnPlan> {
  const [refs, listed] = await Promise.all([git.branchRefs(), git.worktrees()]);
  const wanted = new Set([opts.branch, opts.branch.slice(opts.branch.indexOf('/') + 1)]);
  const blocking = listed.filter(
    (w) =>
      w.prunable &&
      ((w.branch && wanted.has(w.branch)) || [...wanted].some((b) => worktreePathFor(repo, b) === w.path)),
  );
  if (blocking.length) await git.prune();
  const wts = listed.filter((w) => !blocking.includes(w));
  const holder = (b: string): WorktreeInfo | undefined => wts.find((w) => w.branch === b);
  const local = (b: string) => refs.some((r) => r.kind === 'local' && r.name === b);
  const freshPath = async (b: string) => {
    const path = worktreePathFor(repo, b);
    if (wts.some((w) => w.path === path) || (await ctx.host.exists(path)))
      throw new OrchardError(
        'command-failed',
        `worktree path already in use: ${path} (move it away or run git worktree prune)`,
      );
    return path;
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
  if (local(opts.branch)) {
    const held = holder(opts.branch);
    if (held) return { branch: opts.branch, worktree: held.path, createsWorktree: false };
    return { branch: opts.branch, worktree: await freshPath(opts.branch), createsWorktree: true };
  }
  const remote = remoteMatch(refs, opts.branch);
  if (remote) {
    const localName = remote.name.slice(remote.name.indexOf('/') + 1);
    if (local(localName)) return planWorktree(ctx, git, repo, { ...opts, branch: localName });
    const worktree = await freshPath(localName);
    return { branch: localName, worktree, createsWorktree: true, create: { base: remote.name, track: true } };
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
  await ctx.host.writeFile(file, JSON.stringify(claudeSettings(), null, 2) + '\n');
  return { argv: [...profile.command, '--session-id', agentSessionId, '--settings', file] };
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
}

/**
 * Plan the worktree, check for a live session on it, check the agent command and build its argv,
 * all at once: these are independent round trips (each one an exec, over SSH a channel).
 */
export async function prepareSpawn(
  ctx: HostContext,
  repo: RepoConfig,
  profile: AgentProfile,
  opts: SpawnOptions,
): Promise<PreparedSpawn> {
  const git = new Git(ctx.host, repo.path);
  const id = randomId();
  const agentSessionId = profile.kind === 'claude' ? randomUUID() : undefined;
  const [plan, panes, launch, base, transcript] = await Promise.all([
    planWorktree(ctx, git, repo, opts),
    ctx.tmux.listPanes(),
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
  return { ctx, git, plan, spec, id, limits: opts.limits };
}

/** Make the worktree (if needed), the limits and the tmux session; undo what was made on failure. */
export async function executeSpawn(p: PreparedSpawn): Promise<SpawnResult> {
  const { ctx, git, plan, spec, id, limits } = p;
  const undo: Array<() => Promise<void>> = [];
  const record = recordOf(p); // before the limits prefix changes spec.argv
  let pane: PaneRecord;
  try {
    if (hasLimits(limits)) {
      const placed = await prepareLimits(ctx, id, limits);
      undo.push(placed.undo);
      spec.argv = [...placed.argvPrefix, ...spec.argv];
      Object.assign(spec.env, placed.env);
      spec.tags['@orchard_limits'] = encodeLimitsTag(placed.tag);
    }
    if (plan.createsWorktree) {
      await ctx.host.mkdirp(posix.dirname(plan.worktree));
      if (plan.create)
        await git.addWorktreeNewBranch(plan.worktree, plan.branch, plan.create.base, plan.create.track);
      else await git.addWorktree(plan.worktree, plan.branch);
      // Only the worktree is undone: a branch, once made, is never deleted.
      undo.push(() => git.removeWorktree(plan.worktree, true));
    }
    // If tmux made the session but the call still failed (a dropped SSH connection, a garbled
    // read-back), the session must not outlive the rollback of its worktree.
    undo.push(() => ctx.tmux.killSession(spec.name));
    pane = await ctx.tmux.newSession(spec);
    await writeRecord(ctx, record); // what outlives a reboot (records.ts)
  } catch (e) {
    for (const u of undo.reverse()) await u().catch(() => undefined);
    throw e;
  }
  return { id, branch: plan.branch, worktree: plan.worktree, pane };
}
