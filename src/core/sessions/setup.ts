// Making a new worktree ready to work, as part of spawn: the disk reserve, the `.worktreeinclude`
// copy, and the setup phase that runs in the session's own pane BEFORE the agent (its output is the
// terminal's; state `starting` (setup) while it runs; on failure `waiting` (error) "setup failed
// (exit N)" with the output kept on screen until the user retries or starts the agent anyway).
import type { SetupAction, SetupPlan } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { Preferences, RepoConfig } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import { Git } from '../git/git.ts';
import { copyIncluded, listIncludedFiles, readIncludePatterns } from '../git/worktree-include.ts';
import type { HostContext } from '../hosts/registry.ts';
import { admitDisk } from '../monitor/disk.ts';
import { resolveRepo } from '../repos.ts';
import {
  hasWork,
  repoScript,
  untrustedError,
  updateRepoConfig,
  writeScriptFiles,
  type RepoScript,
} from './scripts.ts';
import type { PreparedSpawn } from './spawn.ts';

/**
 * The pane's first program: a constant sh script; the setup files (one a line) come in
 * ORCHARD_SETUP_FILES and the agent's wrapped argv as positional parameters, run by `exec "$@"`.
 * Retry / skip: `orchard setup <id>` sets the pane option @orchard_setup_action and signals the
 * tmux channel orchard-setup-<id> (tmux remembers a signal sent before anyone waits).
 */
export const SETUP_WRAPPER = [
  'trap : INT QUIT',
  // o K V [K V]...: set pane options in ONE tmux command queue (a reader never sees half a change);
  // an empty V unsets K.
  'o() {',
  '  _n=$(($# / 2)); _f=1',
  '  while [ "$_n" -gt 0 ]; do',
  '    _k=$1; _v=$2; shift 2; _n=$((_n - 1))',
  '    if [ "$_f" = 1 ]; then _f=0; else set -- "$@" ";"; fi',
  '    if [ -n "$_v" ]; then set -- "$@" set-option -p -t "$TMUX_PANE" "$_k" "$_v"; else set -- "$@" set-option -p -u -t "$TMUX_PANE" "$_k"; fi',
  '  done',
  '  tmux "$@" >/dev/null 2>&1',
  '}',
  'nl="\n"',
  'while :; do',
  "  o @orchard_setup running @orchard_state starting @orchard_reason setup @orchard_detail ''",
  '  printf "\\033[2m── orchard: setup ──\\033[0m\\n"',
  '  c=0; ifs=$IFS; IFS=$nl; set -f',
  '  for f in $ORCHARD_SETUP_FILES; do IFS=$ifs; "$f" || { c=$?; break; }; done',
  '  IFS=$ifs; set +f',
  '  [ "$c" -eq 0 ] && break',
  '  printf "\\n\\033[1;31m── orchard: setup failed (exit %s) ──\\033[0m\\nRetry it, or start the agent anyway: orchard setup %s --retry | --skip\\n" "$c" "$ORCHARD_SESSION_ID"',
  // Printed before the state changes: whoever sees the state also finds the message on screen.
  '  o @orchard_state error @orchard_reason setup @orchard_detail "setup failed (exit $c)" @orchard_setup failed',
  '  a=',
  '  while [ "$a" != retry ] && [ "$a" != skip ]; do',
  '    tmux wait-for "orchard-setup-$ORCHARD_SESSION_ID" >/dev/null 2>&1 || sleep 1',
  '    a=$(tmux show-options -pv -t "$TMUX_PANE" @orchard_setup_action 2>/dev/null); o @orchard_setup_action ""',
  '  done',
  '  [ "$a" = skip ] && break',
  'done',
  'printf "\\033[2m── orchard: starting the agent ──\\033[0m\\n"',
  "o @orchard_setup '' @orchard_state '' @orchard_reason '' @orchard_detail ''",
  // The files were written for this session alone (Orchard's folder on the host): not left behind.
  'IFS=$nl; set -f; for f in $ORCHARD_SETUP_FILES; do rm -f -- "$f"; d=${f%/*}; done; IFS=$ifs; set +f',
  '[ -n "${d-}" ] && rmdir -- "$d" 2>/dev/null',
  'unset ORCHARD_SETUP_FILES',
  'exec "$@"',
].join('\n');

export interface ReadyOptions {
  force?: boolean;
  /** Start the agent without running the repo's setup (an untrusted script is then not refused). */
  skipSetup?: boolean;
}

/** ORCHARD_BASE: what a new branch starts from, else the repo's own branch. */
async function baseOf(p: PreparedSpawn): Promise<string> {
  return p.plan.create?.base ?? (await p.git.headBranch()) ?? '';
}

/**
 * Called between prepareSpawn and executeSpawn: refuses (disk reserve, untrusted script) before
 * anything is made; then arranges the include copy and the setup phase. Only a worktree this spawn
 * makes gets either: a reused one is already set up.
 */
export async function readySpawn(
  ctx: HostContext,
  repo: RepoConfig,
  p: PreparedSpawn,
  prefs: Preferences,
  opts: ReadyOptions,
): Promise<void> {
  if (!p.plan.createsWorktree) return;
  // The scripts as committed where the worktree is made from; all these reads at once.
  const rev = p.plan.create?.base ?? p.plan.branch;
  const [base, , patterns, setup] = await Promise.all([
    baseOf(p),
    admitDisk(ctx, p.plan.worktree, prefs, opts.force),
    readIncludePatterns(ctx.host, repo),
    opts.skipSetup ? ({} as RepoScript) : repoScript(ctx.host, repo, repo.path, rev, 'setup'),
  ]);
  if (setup.script && !setup.script.trusted) throw untrustedError(repo, 'setup', setup.script);
  const env = {
    ORCHARD_REPO_PATH: repo.path,
    ORCHARD_WORKTREE: p.plan.worktree,
    ORCHARD_BRANCH: p.plan.branch,
    ORCHARD_BASE: base,
    ORCHARD_SESSION_ID: p.id,
  };
  Object.assign(p.spec.env, env);
  p.afterWorktree = async () => {
    const files = await listIncludedFiles(ctx.host, repo.path, patterns);
    await copyIncluded(ctx.host, repo.path, p.plan.worktree, files);
  };
  if (!hasWork(setup)) return;
  const files = await writeScriptFiles(ctx, p.id, 'setup', setup);
  p.spec.env.ORCHARD_SETUP_FILES = files.join('\n');
  // The wrapper marks the pane (@orchard_setup, @orchard_state) itself: a session-level tag would
  // outlive the pane-level ones it clears when the setup ends.
  p.spec.prefix = ['sh', '-c', SETUP_WRAPPER, 'orchard-setup'];
}

/** What a spawn will do to a new worktree, for the new-session dialog (nothing is changed). */
export async function setupPlan(
  engine: Engine,
  params: { repo: string; branch?: string; newBranch?: boolean; from?: string },
): Promise<SetupPlan> {
  const config = await engine.store.read();
  const repo = await resolveRepo(config, engine.hosts, params.repo);
  const ctx = await engine.hosts.get(repo.host);
  const git = new Git(ctx.host, repo.path);
  const rev = (params.newBranch ? params.from : params.branch) || (await git.headBranch()) || 'HEAD';
  const [patterns, setup, teardown] = await Promise.all([
    readIncludePatterns(ctx.host, repo),
    repoScript(ctx.host, repo, repo.path, rev, 'setup'),
    repoScript(ctx.host, repo, repo.path, rev, 'teardown'),
  ]);
  const files = await listIncludedFiles(ctx.host, repo.path, patterns);
  return {
    repo: repo.name,
    rev,
    include: { count: files.length, files: files.slice(0, 200) },
    setup,
    teardown,
  };
}

/**
 * `orchard repo trust`: trust the committed scripts as they are at `rev` (default HEAD of the main
 * work tree), or exactly the hashes a dialog showed (`sha`), so what the user read is what runs.
 */
export async function trustRepo(
  engine: Engine,
  ref: string,
  opts: { rev?: string; setup?: string; teardown?: string } = {},
): Promise<RepoConfig> {
  const config = await engine.store.read();
  const repo = await resolveRepo(config, engine.hosts, ref);
  const ctx = await engine.hosts.get(repo.host);
  const rev = opts.rev ?? 'HEAD';
  const trusted: { setup?: string; teardown?: string } = {};
  for (const kind of ['setup', 'teardown'] as const) {
    const given = opts[kind];
    if (given) {
      if (!/^[0-9a-f]{64}$/.test(given))
        throw new OrchardError('invalid-argument', `not a sha256: ${JSON.stringify(given)}`);
      trusted[kind] = given;
      continue;
    }
    if (opts.setup || opts.teardown) continue;
    const s = await repoScript(ctx.host, repo, repo.path, rev, kind);
    if (s.script) trusted[kind] = s.script.sha256;
  }
  if (!trusted.setup && !trusted.teardown)
    throw new OrchardError('not-found', `${repo.name} has no .orchard/setup or .orchard/teardown at ${rev}`);
  return updateRepoConfig(engine.store, repo, (r) => {
    r.trusted = { ...r.trusted, ...trusted };
  });
}

/** Retry a failed setup, or start the agent without it: one tmux invocation. */
export async function setupAction(engine: Engine, id: string, action: SetupAction): Promise<void> {
  const s = await engine.find(id);
  if (s.setup !== 'failed')
    throw new OrchardError(
      'invalid-argument',
      `session ${id} has no failed setup to ${action === 'retry' ? 'retry' : 'skip'}` +
        (s.setup === 'running' ? ' (its setup is still running)' : ''),
    );
  const ctx = await engine.hosts.get(s.host);
  const r = await ctx.tmux.run([
    'set-option',
    '-p',
    '-t',
    s.paneId,
    '@orchard_setup_action',
    action,
    ';',
    'wait-for',
    '-S',
    `orchard-setup-${s.id}`,
  ]);
  if (r.code !== 0) throw new OrchardError('command-failed', `tmux: ${r.stderr.trim() || `exit ${r.code}`}`);
}
