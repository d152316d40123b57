// Push a session's branch, and open a pull request: with the GitHub CLI on the session's host when it
// is there and logged in, else the forge's compare page worked out from the remote's URL.
import type { PrResult, PushResult } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { SessionInfo } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';
import { gitx } from './gitx.ts';
import { sessionBranch } from './merge.ts';

interface Upstream {
  remote: string;
  /** refs/heads/x on the remote. */
  ref: string;
}

async function upstreamOf(host: Host, cwd: string, branch: string): Promise<Upstream | null> {
  const r = await gitx(
    host,
    cwd,
    ['for-each-ref', '--format=%(upstream:remotename)%00%(upstream:remoteref)', `refs/heads/${branch}`],
    'git for-each-ref',
  );
  const [remote = '', ref = ''] = r.stdout.trim().split('\0');
  return remote && ref && remote !== '.' ? { remote, ref } : null;
}

async function remoteUrl(host: Host, cwd: string, remote: string): Promise<string | null> {
  const r = await gitx(host, cwd, ['remote', 'get-url', remote], 'git remote get-url', { ok: [2, 128] });
  return r.code === 0 ? r.stdout.trim() : null;
}

/** The line of git push's output that says why, not the generic "failed to push some refs". */
function pushError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const why = lines.find((l) => /\[(rejected|remote rejected)\]|denied|declined|fatal:/.test(l));
  return (why ?? lines.pop() ?? 'failed').replace(/^fatal:\s*/, '');
}

export async function pushBranch(host: Host, s: SessionInfo): Promise<PushResult> {
  const branch = await sessionBranch(host, s);
  const up = await upstreamOf(host, s.worktree, branch);
  const remote = up?.remote ?? 'origin';
  if (!up && !(await remoteUrl(host, s.worktree, 'origin')))
    throw new OrchardError(
      'invalid-argument',
      `${branch} has no upstream and the repo has no remote named origin; add one (git remote add origin <url>)`,
    );
  const remoteRef = up?.ref ?? `refs/heads/${branch}`;
  const r = await host.exec(
    [
      'git',
      '-C',
      s.worktree,
      'push',
      ...(up ? [] : ['--set-upstream']),
      remote,
      `refs/heads/${branch}:${remoteRef}`,
    ],
    { env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' } },
  );
  if (r.code !== 0)
    throw new OrchardError(
      'command-failed',
      `git push to ${remote} failed: ${pushError(r.stderr)}`,
      r.stderr,
    );
  return {
    id: s.id,
    branch,
    remote,
    remoteBranch: remoteRef.replace(/^refs\/heads\//, ''),
    upstreamSet: !up,
  };
}

type Forge = 'github' | 'gitlab' | 'bitbucket' | 'gitea';

/** host + "owner/repo" path from the URL forms git accepts: scp-like, ssh://, https://, git://. */
export function parseRemoteUrl(url: string): { host: string; path: string } | null {
  let host: string;
  let path: string;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(url);
  if (/^[a-z+]+:\/\//i.test(url)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return null;
    }
    host = u.hostname;
    path = decodeURIComponent(u.pathname);
  } else if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else return null;
  path = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (!host || !path.includes('/')) return null;
  return { host, path };
}

function forgeOf(host: string): Forge | null {
  if (/github/i.test(host)) return 'github';
  if (/gitlab/i.test(host)) return 'gitlab';
  if (/bitbucket/i.test(host)) return 'bitbucket';
  if (/gitea|codeberg|forgejo/i.test(host)) return 'gitea';
  return null;
}

const enc = (b: string) => encodeURIComponent(b).replace(/%2F/g, '/');

/** The page that opens a pull/merge request of `branch` into `base`, or null for an unknown forge. */
export function compareUrl(remote: string, base: string, branch: string): string | null {
  const r = parseRemoteUrl(remote);
  if (!r) return null;
  const forge = forgeOf(r.host);
  const root = `https://${r.host}/${r.path}`;
  switch (forge) {
    case 'github':
    case 'gitea':
      return `${root}/compare/${enc(base)}...${enc(branch)}${forge === 'github' ? '?expand=1' : ''}`;
    case 'gitlab':
      return (
        `${root}/-/merge_requests/new?merge_request%5Bsource_branch%5D=${encodeURIComponent(branch)}` +
        `&merge_request%5Btarget_branch%5D=${encodeURIComponent(base)}`
      );
    case 'bitbucket':
      return `${root}/pull-requests/new?source=${encodeURIComponent(branch)}&dest=${encodeURIComponent(base)}`;
    default:
      return null;
  }
}

/** Is gh installed and logged in on the host? The reason when not. */
async function ghStatus(host: Host, cwd: string): Promise<string | null> {
  const which = await host.exec(['sh', '-c', 'command -v gh >/dev/null 2>&1']);
  if (which.code !== 0) return `the GitHub CLI (gh) is not installed on ${host.name}`;
  const auth = await host.exec(['gh', 'auth', 'status'], { cwd, env: { GH_PROMPT_DISABLED: '1' } });
  if (auth.code !== 0) return `gh is not logged in on ${host.name} (run gh auth login there)`;
  return null;
}

export interface PrOptions {
  base: string;
  title?: string;
  body?: string;
  draft?: boolean;
}

export async function createPr(host: Host, s: SessionInfo, o: PrOptions): Promise<PrResult> {
  const branch = await sessionBranch(host, s);
  const up = await upstreamOf(host, s.worktree, branch);
  const remote = up?.remote ?? 'origin';
  // A base like origin/main names the remote's main.
  const base = o.base.startsWith(`${remote}/`) ? o.base.slice(remote.length + 1) : o.base;
  const missing = await ghStatus(host, s.worktree);
  if (!missing) {
    await pushBranch(host, s);
    const title =
      o.title ??
      (
        await gitx(host, s.worktree, ['log', '-1', '--format=%s', `refs/heads/${branch}`], 'git log')
      ).stdout.trim();
    const argv = [
      'gh',
      'pr',
      'create',
      '--head',
      branch,
      '--base',
      base,
      '--title',
      title,
      '--body',
      o.body ?? '',
    ];
    if (o.draft) argv.push('--draft');
    const r = await host.exec(argv, { cwd: s.worktree, env: { GH_PROMPT_DISABLED: '1', NO_COLOR: '1' } });
    if (r.code !== 0) {
      const why = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
      throw new OrchardError('command-failed', `gh pr create failed: ${why}`, r.stderr);
    }
    const url = r.stdout.trim().split('\n').filter(Boolean).pop() ?? null;
    return { id: s.id, url, via: 'gh' };
  }
  const rurl = await remoteUrl(host, s.worktree, remote);
  const url = rurl ? compareUrl(rurl, base, branch) : null;
  if (!url)
    return {
      id: s.id,
      url: null,
      via: 'none',
      missing: `${missing}, and ${rurl ? `the remote ${remote} (${rurl}) is not a GitHub, GitLab, Bitbucket or Gitea URL` : `there is no remote ${remote}`}`,
    };
  return {
    id: s.id,
    url,
    via: 'compare',
    missing: `${missing}: open the URL to create it${up ? '' : ` (push the branch first: orchard push ${s.id})`}`,
  };
}
