// Registered repos and how a user names one: a registered name, a path, or (remote) host:path.
import { basename, isAbsolute, posix, resolve } from 'node:path';
import { OrchardError } from '../shared/errors.ts';
import { LOCAL_HOST, type RepoConfig } from '../shared/model.ts';
import { Git } from './git/git.ts';
import type { HostRegistry } from './hosts/registry.ts';
import type { OrchardConfig } from './store/store.ts';
import { branchSlug } from './util/slug.ts';

export interface RepoRef {
  host: string;
  path: string;
}

/** `host:path` where host is a known remote host name; anything else is a local path. */
export function parseRepoRef(ref: string, hostNames: readonly string[], cwd = process.cwd()): RepoRef {
  const colon = ref.indexOf(':');
  if (colon > 0) {
    const host = ref.slice(0, colon);
    const path = ref.slice(colon + 1);
    if (hostNames.includes(host) && host !== LOCAL_HOST) {
      if (!posix.isAbsolute(path) && !path.startsWith('~'))
        throw new OrchardError('invalid-argument', `remote repo path must be absolute: ${ref}`);
      return { host, path };
    }
    if (host === LOCAL_HOST) return { host: LOCAL_HOST, path: resolve(cwd, path) };
  }
  return { host: LOCAL_HOST, path: isAbsolute(ref) ? ref : resolve(cwd, ref) };
}

export function defaultWorktreeRoot(repo: Pick<RepoConfig, 'path'>, pathApi = posix): string {
  return pathApi.join(pathApi.dirname(repo.path), `${pathApi.basename(repo.path)}.worktrees`);
}

export function worktreePathFor(repo: RepoConfig, branch: string): string {
  return posix.join(repo.worktreeRoot ?? defaultWorktreeRoot(repo), branchSlug(branch));
}

/** A registered repo by name, else by path (registered or not: an unregistered work tree is used as it is). */
export async function resolveRepo(
  config: OrchardConfig,
  hosts: HostRegistry,
  ref: string,
): Promise<RepoConfig> {
  if (!ref) throw new OrchardError('invalid-argument', 'a repo name or path is required');
  const byName = config.repos.find((r) => r.name === ref);
  if (byName) return byName;
  const parsed = parseRepoRef(ref, await hosts.names());
  const host = parsed.host;
  const ctx = await hosts.get(host);
  // `host:~/src/app`: the remote user's home, which only that host knows.
  const tilde = parsed.path === '~' || parsed.path.startsWith('~/');
  const path = tilde ? posix.join(await ctx.host.homeDir(), parsed.path.slice(1)) : parsed.path;
  const exact = config.repos.find((r) => r.host === host && r.path === path);
  if (exact) return exact;
  const top = await Git.toplevel(ctx.host, path).catch((e: unknown) => {
    if (e instanceof OrchardError && (e.code === 'repo-not-found' || e.code === 'not-a-repo')) {
      const known = config.repos.map((r) => r.name).join(', ');
      const hint = !ref.includes('/') && known ? ` (registered repos: ${known})` : '';
      throw new OrchardError(e.code, `${e.message}${hint}`);
    }
    throw e;
  });
  // Control characters (C0 and C1) in a path would garble tmux's list-panes records (and terminals): refuse.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\x00-\x1f\x7f-\x9f]/.test(top))
    throw new OrchardError(
      'invalid-argument',
      `a repo path with control characters is not supported: ${JSON.stringify(top)}`,
    );
  const registered = config.repos.find((r) => r.host === host && r.path === top);
  return registered ?? { name: basename(top), host, path: top };
}

export function uniqueRepoName(config: OrchardConfig, wanted: string): string {
  if (!config.repos.some((r) => r.name === wanted)) return wanted;
  for (let i = 2; ; i++) if (!config.repos.some((r) => r.name === `${wanted}-${i}`)) return `${wanted}-${i}`;
}
