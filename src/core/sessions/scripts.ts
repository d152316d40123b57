// A repo's setup and teardown: the commands in Orchard's config (the user typed them: trusted) and
// the committed `.orchard/setup` / `.orchard/teardown` scripts, which run only once the user has
// trusted their exact content (its sha256 is kept in the repo's config): a cloned repo must not run
// code on spawn by surprise, and a changed script asks again. Scripts are read from git objects, not
// from the disk, so what runs is exactly what was hashed.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { RepoConfig } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';
import type { HostContext } from '../hosts/registry.ts';
import type { Store } from '../store/store.ts';

export type ScriptKind = 'setup' | 'teardown';
export const SCRIPT_DIR = '.orchard';

export interface CommittedScript {
  /** `.orchard/setup` */
  path: string;
  content: string;
  sha256: string;
  trusted: boolean;
}

export interface RepoScript {
  /** From Orchard's config (`orchard repo set --setup`). */
  command?: string;
  /** From the repo, at the revision the worktree is made from. */
  script?: CommittedScript;
}

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The blob `.orchard/<kind>` at `rev` in the repo (or worktree) at `dir`; null when there is none. */
export async function readCommitted(
  host: Host,
  dir: string,
  rev: string,
  kind: ScriptKind,
): Promise<string | null> {
  const path = `${SCRIPT_DIR}/${kind}`;
  const r = await host.exec(['git', '-C', dir, 'cat-file', 'blob', `${rev}:${path}`], {
    env: { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });
  return r.code === 0 ? r.stdout : null;
}

export async function repoScript(
  host: Host,
  repo: RepoConfig,
  dir: string,
  rev: string,
  kind: ScriptKind,
): Promise<RepoScript> {
  const content = await readCommitted(host, dir, rev, kind);
  const command = repo[kind]?.trim() ? repo[kind] : undefined;
  if (content === null) return command ? { command } : {};
  const sha = sha256(content);
  return {
    ...(command ? { command } : {}),
    script: { path: `${SCRIPT_DIR}/${kind}`, content, sha256: sha, trusted: repo.trusted?.[kind] === sha },
  };
}

export const hasWork = (s: RepoScript) => !!s.command || !!s.script;

export function untrustedError(repo: RepoConfig, kind: ScriptKind, s: CommittedScript): OrchardError {
  return new OrchardError(
    'setup-untrusted',
    `${repo.name} has a committed ${s.path} that you have not trusted (sha256 ${s.sha256.slice(0, 12)}); ` +
      `read it, then run: orchard repo trust ${repo.name} (or spawn with --skip-setup)`,
    s.content,
  );
}

/**
 * Write the files that run a repo script into Orchard's folder on the host (mode 0700): the config
 * command (as an sh script), then the committed script as committed (its #! line is honoured).
 * The pane or the teardown runner executes these paths; nothing is ever built into a shell string.
 */
export async function writeScriptFiles(
  ctx: HostContext,
  id: string,
  kind: ScriptKind,
  s: RepoScript,
): Promise<string[]> {
  const dir = posix.join(await ctx.home(), kind, id);
  const files: string[] = [];
  if (s.command) {
    const f = posix.join(dir, '1-config.sh');
    await ctx.host.writeFile(f, `#!/bin/sh\n${s.command}\n`, 0o700);
    files.push(f);
  }
  if (s.script?.trusted) {
    const f = posix.join(dir, '2-committed');
    await ctx.host.writeFile(f, s.script.content, 0o700);
    files.push(f);
  }
  return files;
}

/** A repo's config, registered on first use (the settings must live somewhere). */
export async function updateRepoConfig(
  store: Store,
  repo: RepoConfig,
  fn: (r: RepoConfig) => void,
): Promise<RepoConfig> {
  let out: RepoConfig | undefined;
  await store.update((c) => {
    let r = c.repos.find((x) => x.host === repo.host && x.path === repo.path);
    if (!r) {
      r = { name: repo.name, host: repo.host, path: repo.path };
      let n = 2;
      while (c.repos.some((x) => x.name === r!.name)) r.name = `${repo.name}-${n++}`;
      c.repos.push(r);
    }
    fn(r);
    out = { ...r };
  });
  return out!;
}

export interface RepoSettings {
  setup?: string | null;
  teardown?: string | null;
  include?: string[] | null;
}

/** `orchard repo set`: a null or empty value clears the setting. */
export function applySettings(r: RepoConfig, s: RepoSettings): void {
  for (const k of ['setup', 'teardown'] as const) {
    const v = s[k];
    if (v === undefined) continue;
    if (v === null || !v.trim()) delete r[k];
    else r[k] = v;
  }
  if (s.include !== undefined) {
    const list = (s.include ?? []).filter((x) => x.trim());
    if (list.length) r.include = list;
    else delete r.include;
  }
}
