// Registering repos and reading their branches, one implementation for every front end: the router's
// handlers and the CLI's repo commands call these through the Engine. How a user names a repo (a
// registered name, a path, host:path) is repos.ts.
import { OrchardError } from '../shared/errors.ts';
import { LOCAL_HOST, type BranchInfo, type RepoConfig } from '../shared/model.ts';
import { Git } from './git/git.ts';
import type { HostRegistry } from './hosts/registry.ts';
import { resolveRepo, uniqueRepoName } from './repos.ts';
import { findBrokenWorktrees } from './sessions/broken.ts';
import { orchardPanes } from './sessions/list.ts';
import type { Store } from './store/store.ts';

export interface RepoAdminDeps {
  store: Store;
  hosts: HostRegistry;
}

export async function addRepo(
  { store, hosts }: RepoAdminDeps,
  path: string,
  opts: { name?: string; host?: string },
): Promise<RepoConfig> {
  const ref = opts.host && opts.host !== LOCAL_HOST ? `${opts.host}:${path}` : path;
  const config = await store.read();
  const found = await resolveRepo({ ...config, repos: [] }, hosts, ref);
  const same = (r: RepoConfig) => r.host === found.host && r.path === found.path;
  const already = config.repos.find(same);
  // Registered already: without a name (or with its own) that is the answer; another name
  // renames it (sessions find their repo by host and path, so they follow).
  if (already && (!opts.name || opts.name === already.name)) return already;
  const taken = opts.name ? config.repos.find((r) => r.name === opts.name && !same(r)) : undefined;
  if (taken)
    throw new OrchardError(
      'invalid-argument',
      `a repo named ${opts.name} is already registered (${taken.host}:${taken.path})`,
    );
  const repo: RepoConfig = already
    ? { ...already, name: opts.name! }
    : { ...found, name: opts.name ?? uniqueRepoName(config, found.name) };
  await store.update((c) => {
    if (c.repos.some((r) => r.name === repo.name && !same(r)))
      throw new OrchardError('invalid-argument', `a repo named ${repo.name} is already registered`);
    const i = c.repos.findIndex(same);
    if (i >= 0) c.repos[i] = { ...c.repos[i]!, name: repo.name };
    else c.repos.push(repo);
  });
  return repo;
}

export async function removeRepo({ store, hosts }: RepoAdminDeps, ref: string): Promise<RepoConfig> {
  const config = await store.read();
  const repo = config.repos.find((r) => r.name === ref) ?? (await resolveRepo(config, hosts, ref));
  if (!config.repos.some((r) => r.name === repo.name && r.path === repo.path))
    throw new OrchardError('repo-not-found', `not a registered repo: ${ref}`);
  await store.update((c) => {
    c.repos = c.repos.filter((r) => !(r.name === repo.name && r.host === repo.host));
  });
  return repo;
}

/** A repo's branches, each local one with its session and, when broken, its worktree's trouble. */
export async function repoBranches({ store, hosts }: RepoAdminDeps, repoRef: string): Promise<BranchInfo[]> {
  const config = await store.read();
  const repo = await resolveRepo(config, hosts, repoRef);
  const ctx = await hosts.get(repo.host);
  const panes = await ctx.tmux.listPanes();
  // Broken worktrees first: that look removes a record a dead spawn left half-written, without
  // which git could not list the branches' worktrees at all.
  const broken = await findBrokenWorktrees(ctx, repo.path, {
    panes,
    ...(repo.worktreeRoot ? { worktreeRoot: repo.worktreeRoot } : {}),
  });
  const branches = await new Git(ctx.host, repo.path).branches();
  const sessions = orchardPanes(panes).filter((p) => p['@orchard_repo_path'] === repo.path);
  for (const b of branches) {
    if (b.kind !== 'local') continue;
    const s = sessions.find((p) => (b.worktree ? p['@orchard_worktree'] === b.worktree : false));
    b.sessionId = s ? s['@orchard_id'] : null;
    const bad = broken.find((x) => x.branch === b.name);
    if (bad) {
      b.worktree ??= bad.path;
      b.broken = bad.reason;
    }
  }
  return branches;
}
