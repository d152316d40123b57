// `.worktreeinclude` (Claude Code's convention, gitignore syntax at the repo root) plus the repo's
// configured `include` patterns: the main work tree's files that match them AND that git ignores are
// copied into a new worktree, so it starts with its `.env` and local config. git decides what
// matches (its own pattern engine, negations included); the copy is one exec on the host, a fixed
// script that takes the names on stdin (NUL-separated) and never a shell string built from them.
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { RepoConfig } from '../../shared/model.ts';
import type { Host } from '../hosts/host.ts';

export const INCLUDE_FILE = '.worktreeinclude';
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
/** Copying node_modules can take a while; a hung copy must still end. */
const COPY_TIMEOUT_MS = 10 * 60_000;

export interface IncludePatterns {
  /** The `.worktreeinclude` text, '' when the repo has none. */
  file: string;
  /** From the repo's Orchard config. */
  extra: string[];
}

/** The repo's patterns; none at all means nothing is ever copied. */
export async function readIncludePatterns(host: Host, repo: RepoConfig): Promise<IncludePatterns> {
  const path = posix.join(repo.path, INCLUDE_FILE);
  const file = (await host.exists(path)) ? await host.readFile(path).catch(() => '') : '';
  return { file, extra: repo.include ?? [] };
}

const hasPatterns = (p: IncludePatterns) =>
  p.extra.some((x) => x.trim()) || p.file.split('\n').some((l) => l.trim() && !l.startsWith('#'));

/** Runs "$@" --exclude-from=<stdin saved to a temp file>. */
const LIST_SCRIPT =
  'f=$(mktemp) || exit 1; cat > "$f"; "$@" --exclude-from="$f"; c=$?; rm -f -- "$f"; exit $c';

const splitZ = (s: string) => s.split('\0').filter(Boolean);

/**
 * Relative paths (as git prints them) of the untracked files of the main work tree that match the
 * patterns and that git itself ignores. Tracked files never appear: git already has them.
 */
export async function listIncludedFiles(host: Host, repoPath: string, p: IncludePatterns): Promise<string[]> {
  if (!hasPatterns(p)) return [];
  // The patterns reach git on stdin, through a temp file (git cannot open a socket as /dev/stdin),
  // so git parses them exactly as it parses a .gitignore.
  const patterns = `${p.file}\n${p.extra.join('\n')}\n`;
  const base = ['git', '-C', repoPath, 'ls-files', '-z', '--others', '--ignored'];
  const [matching, ignored] = await Promise.all([
    host.exec(['sh', '-c', LIST_SCRIPT, 'orchard-include', ...base], { env: GIT_ENV, input: patterns }),
    // --directory: a wholly ignored folder (node_modules) is one entry, not its 100k files.
    host.exec([...base, '--exclude-standard', '--directory'], { env: GIT_ENV }),
  ]);
  for (const r of [matching, ignored])
    if (r.code !== 0)
      throw new OrchardError('command-failed', `git ls-files failed in ${repoPath}: ${r.stderr.trim()}`);
  const files = new Set<string>();
  const dirs: string[] = [];
  for (const e of splitZ(ignored.stdout)) {
    if (e.endsWith('/')) dirs.push(e);
    else files.add(e);
  }
  return splitZ(matching.stdout).filter((f) => files.has(f) || dirs.some((d) => f.startsWith(d)));
}

/**
 * Copy `$1/<names on stdin>` to `$2/`, modes kept. A symlink is copied as a link, and only when it
 * resolves inside the repo: one pointing out (`.env -> ~/secrets`) is skipped and its name printed
 * (NUL-terminated) on stdout. Files already in the worktree (tracked there) are never replaced.
 */
export const COPY_SCRIPT = [
  'src=$1; dst=$2',
  'cd "$src" || exit 1',
  'root=$(pwd -P)',
  'if tar --version 2>/dev/null | grep -q GNU; then keep=--skip-old-files; else keep=-k; fi',
  'exec 3>&1',
  "xargs -0 sh -c 'root=$1; shift; for f; do" +
    ' if [ -L "$f" ]; then r=$(readlink -f -- "$f") || { printf "%s\\0" "$f" >&3; continue; };' +
    ' case $r in "$root"/*) ;; *) printf "%s\\0" "$f" >&3; continue;; esac;' +
    ' elif [ ! -f "$f" ]; then continue; fi;' +
    ' printf "%s\\0" "$f"; done\' orchard-include "$root" |',
  '  tar --null -T - -cf - | tar -C "$dst" $keep -xpf -',
].join('\n');

export interface CopyResult {
  copied: string[];
  /** Symlinks left out because they point outside the repo. */
  skipped: string[];
}

export async function copyIncluded(
  host: Host,
  repoPath: string,
  worktree: string,
  files: readonly string[],
): Promise<CopyResult> {
  if (!files.length) return { copied: [], skipped: [] };
  for (const f of files)
    if (f.startsWith('/') || f.split('/').includes('..'))
      throw new OrchardError('internal', `git listed a path outside the repo: ${JSON.stringify(f)}`);
  const r = await host.exec(['sh', '-c', COPY_SCRIPT, 'orchard-copy', repoPath, worktree], {
    input: files.map((f) => `${f}\0`).join(''),
    timeoutMs: COPY_TIMEOUT_MS,
  });
  if (r.code !== 0)
    throw new OrchardError(
      'command-failed',
      `copying .worktreeinclude files into ${worktree} failed: ${r.stderr.trim() || `exit ${r.code}`}`,
    );
  const skipped = splitZ(r.stdout);
  const out = new Set(skipped);
  return { copied: files.filter((f) => !out.has(f)), skipped };
}
