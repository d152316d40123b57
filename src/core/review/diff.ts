// A session's changes against the merge-base with its base, uncommitted and untracked work included.
// The worktree's state is written as a git tree through a TEMPORARY index (a copy of the worktree's
// own, so unchanged files are not rehashed): the worktree's real index is never touched, and every
// later patch is a plain tree-to-tree diff between two fixed objects (the file list comes first,
// each file's patch on demand, and they always agree).
import { DIFF_LARGE_BYTES, type DiffFile, type DiffFileStatus, type FilePatch } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { Host } from '../hosts/host.ts';
import { gitx } from './gitx.ts';

/**
 * Fixed script, data only as "$1" (the base); "$2" says how much to print: `tree` (the tree of the
 * worktree as it is, the base's sha and the merge-base, one per line), `list` (then the untracked
 * files, NUL-separated, an empty field, the raw + numstat records and an empty field) or `patch`
 * (then every file's patch as well). One process for all of it: each exec costs a round trip over
 * SSH. Files over 5 MB count as binary for the diff (core.bigFileThreshold): listed, never dumped.
 * The temporary index is removed whatever happens.
 */
const SNAPSHOT_SCRIPT = [
  'set -e',
  'd=$(git rev-parse --absolute-git-dir)',
  't="$d/orchard-diff-index.$$"',
  'trap \'rm -f "$t" "$t.lock"\' EXIT',
  // -p: keep the index's mtime, or git's racy-clean check would trust a same-size edit made
  // within the same second as the index was written (and miss it).
  'if [ -f "$d/index" ]; then cp -p "$d/index" "$t"; fi',
  'GIT_INDEX_FILE="$t" git add -A',
  'tree=$(GIT_INDEX_FILE="$t" git write-tree)',
  'b=$(git rev-parse --verify --quiet --end-of-options "$1^{commit}") || { echo "$tree"; exit 3; }',
  'mb=$(git merge-base "$b" HEAD) || { printf \'%s\\n%s\\n\' "$tree" "$b"; exit 4; }',
  'printf \'%s\\n%s\\n%s\\n\' "$tree" "$b" "$mb"',
  'git symbolic-ref --quiet --short HEAD || echo',
  '[ "$2" = tree ] && exit 0',
  'git ls-files --others --exclude-standard -z',
  "printf '\\0'",
  // With -p, git itself ends the records with an empty field before the patches.
  'if [ "$2" = patch ]; then p=-p; else p=; fi',
  'git -c core.bigFileThreshold=5m diff --no-color --no-ext-diff --no-textconv -M --raw --numstat $p -z --no-abbrev "$mb" "$tree"',
  '[ "$2" = patch ] || printf \'\\0\'',
].join('\n');

export interface Snapshot {
  tree: string;
  baseSha: string;
  mergeBase: string;
}

interface ScriptOutput extends Snapshot {
  /** The worktree's branch, null when HEAD is detached. */
  branch: string | null;
  entries: RawEntry[];
  untracked: Set<string>;
  patch: string;
}

async function runScript(
  host: Host,
  worktree: string,
  base: string,
  mode: 'tree' | 'list' | 'patch',
): Promise<ScriptOutput> {
  const r = await host.exec(['sh', '-c', SNAPSHOT_SCRIPT, 'sh', base, mode], {
    cwd: worktree,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  const nl = (from: number) => r.stdout.indexOf('\n', from);
  const e1 = nl(0);
  const e2 = e1 < 0 ? -1 : nl(e1 + 1);
  const e3 = e2 < 0 ? -1 : nl(e2 + 1);
  const e4 = e3 < 0 ? -1 : nl(e3 + 1);
  if (r.code === 3)
    throw new OrchardError('branch-not-found', `base not found: ${base} (set another with orchard base)`);
  if (r.code === 4)
    throw new OrchardError('command-failed', `the branch has no common history with its base ${base}`);
  if (r.code !== 0 || e4 < 0) {
    const msg = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
    throw new OrchardError('command-failed', `reading the worktree's changes failed: ${msg}`, r.stderr);
  }
  const tree = r.stdout.slice(0, e1);
  const baseSha = r.stdout.slice(e1 + 1, e2);
  const mergeBase = r.stdout.slice(e2 + 1, e3);
  const branch = r.stdout.slice(e3 + 1, e4) || null;
  const rest = r.stdout.slice(e4 + 1);
  const fields = rest.split('\0');
  let i = 0;
  const untracked = new Set<string>();
  for (; i < fields.length && fields[i] !== ''; i++) untracked.add(fields[i]!);
  i++; // the empty field that ends the untracked list
  const parsed = mode === 'tree' ? { entries: [], next: i } : parseRawNumstat(fields, i);
  // The patch starts after the empty field that ends the records: count the characters consumed.
  let offset = 0;
  for (let k = 0; k < parsed.next + 1 && k < fields.length; k++) offset += fields[k]!.length + 1;
  return { tree, baseSha, mergeBase, branch, entries: parsed.entries, untracked, patch: rest.slice(offset) };
}

export async function snapshot(host: Host, worktree: string, base: string): Promise<Snapshot> {
  const { tree, baseSha, mergeBase } = await runScript(host, worktree, base, 'tree');
  return { tree, baseSha, mergeBase };
}

const STATUS: Record<string, DiffFileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'typechange',
};

const ZERO = /^0+$/;

interface RawEntry {
  file: DiffFile;
  oldSha: string;
  newSha: string;
}

/**
 * `git diff --raw --numstat -z` split on NUL, from field `start`: raw records first, then numstat
 * records in the same order. Returns the entries and the index of the first field after them.
 */
export function parseRawNumstat(f: string[], start = 0): { entries: RawEntry[]; next: number } {
  const entries: RawEntry[] = [];
  let i = start;
  while (i < f.length && f[i]!.startsWith(':')) {
    const [, , oldSha = '', newSha = '', st = ''] = f[i]!.slice(1).split(' ');
    const letter = st[0] ?? 'M';
    const two = letter === 'R' || letter === 'C';
    const file: DiffFile = {
      path: two ? f[i + 2]! : f[i + 1]!,
      status: STATUS[letter] ?? 'modified',
      additions: 0,
      deletions: 0,
      binary: false,
      large: false,
      untracked: false,
    };
    if (two) file.oldPath = f[i + 1]!;
    entries.push({ file, oldSha, newSha });
    i += two ? 3 : 2;
  }
  for (const e of entries) {
    const rec = f[i] ?? '';
    const [a = '0', d = '0', p = ''] = rec.split('\t');
    // A rename's numstat is "a\td\t" followed by the two paths as fields of their own.
    i += p === '' ? 3 : 1;
    if (a === '-') e.file.binary = true;
    else {
      e.file.additions = Number(a) || 0;
      e.file.deletions = Number(d) || 0;
    }
  }
  return { entries, next: i };
}

/** Split a multi-file patch into one patch per file (content lines never start with "diff --git "). */
export function splitPatch(out: string): string[] {
  if (!out) return [];
  const parts = out.split(/^(?=diff --git )/m);
  return parts.filter((p) => p.startsWith('diff --git '));
}

const DIFF_ARGS = [
  '-c',
  'core.bigFileThreshold=5m',
  'diff',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '-M',
];

export interface Changes extends Snapshot {
  branch: string | null;
  files: DiffFile[];
}

/** The file list (and with `withPatches` every small text file's patch): one process, plus one
 * `cat-file` when there are binary entries (to tell a large text file from a binary one). */
export async function listChanges(
  host: Host,
  worktree: string,
  base: string,
  withPatches: boolean,
): Promise<Changes> {
  const out = await runScript(host, worktree, base, withPatches ? 'patch' : 'list');
  const { entries } = out;
  const binaries = entries.filter((e) => e.file.binary);
  const shas = [...new Set(binaries.flatMap((e) => [e.oldSha, e.newSha]).filter((x) => x && !ZERO.test(x)))];
  const sizes = await blobSizes(host, worktree, shas);
  for (const e of entries) {
    if (out.untracked.has(e.file.path)) e.file.untracked = true;
    if (e.file.binary && Math.max(sizes.get(e.oldSha) ?? 0, sizes.get(e.newSha) ?? 0) > DIFF_LARGE_BYTES) {
      // Over the threshold git does not look inside: "large", whatever the content.
      e.file.large = true;
      e.file.binary = false;
    }
  }
  const files = entries.map((e) => e.file);
  if (withPatches) {
    const patches = splitPatch(out.patch);
    files.forEach((f, i) => {
      if (!f.binary && !f.large && patches[i] !== undefined) f.patch = patches[i];
    });
  }
  return { tree: out.tree, baseSha: out.baseSha, mergeBase: out.mergeBase, branch: out.branch, files };
}

async function blobSizes(host: Host, cwd: string, shas: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (!shas.length) return sizes;
  const r = await gitx(host, cwd, ['cat-file', '--batch-check=%(objectname) %(objectsize)'], 'git cat-file', {
    input: shas.join('\n') + '\n',
  });
  for (const line of r.stdout.split('\n')) {
    const [sha, size] = line.split(' ');
    if (sha && size && /^\d+$/.test(size)) sizes.set(sha, Number(size));
  }
  return sizes;
}

export async function filePatch(
  host: Host,
  cwd: string,
  mergeBase: string,
  tree: string,
  path: string,
  oldPath?: string,
): Promise<FilePatch> {
  const raw = await gitx(
    host,
    cwd,
    [
      ...DIFF_ARGS,
      '--raw',
      '--numstat',
      '-z',
      '--no-abbrev',
      mergeBase,
      tree,
      '--',
      path,
      ...(oldPath ? [oldPath] : []),
    ],
    'git diff',
  );
  const entry = parseRawNumstat(raw.stdout.split('\0')).entries.find((e) => e.file.path === path);
  if (!entry) throw new OrchardError('not-found', `no change to ${path} in this diff`);
  if (entry.file.binary) {
    const shas = [entry.oldSha, entry.newSha].filter((s) => !ZERO.test(s));
    const sizes = await blobSizes(host, cwd, shas);
    const large = Math.max(0, ...shas.map((s) => sizes.get(s) ?? 0)) > DIFF_LARGE_BYTES;
    return { path, patch: null, binary: !large, large };
  }
  const r = await gitx(
    host,
    cwd,
    [...DIFF_ARGS, mergeBase, tree, '--', path, ...(oldPath ? [oldPath] : [])],
    'git diff',
  );
  return { path, patch: r.stdout, binary: false, large: false };
}
