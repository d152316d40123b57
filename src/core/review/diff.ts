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
 * Fixed script, data only as "$1": the base. Prints the tree of the worktree as it is, the base's
 * sha and the merge-base, one per line. The temporary index is removed whatever happens.
 */
const SNAPSHOT_SCRIPT = [
  'set -e',
  'd=$(git rev-parse --absolute-git-dir)',
  't="$d/orchard-diff-index.$$"',
  'trap \'rm -f "$t" "$t.lock"\' EXIT',
  'if [ -f "$d/index" ]; then cp "$d/index" "$t"; fi',
  'GIT_INDEX_FILE="$t" git add -A',
  'GIT_INDEX_FILE="$t" git write-tree',
  'b=$(git rev-parse --verify --quiet --end-of-options "$1^{commit}")',
  'echo "$b"',
  'git merge-base "$b" HEAD',
].join('\n');

export interface Snapshot {
  tree: string;
  baseSha: string;
  mergeBase: string;
}

export async function snapshot(host: Host, worktree: string, base: string): Promise<Snapshot> {
  const r = await host.exec(['sh', '-c', SNAPSHOT_SCRIPT, 'sh', base], {
    cwd: worktree,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  const [tree, baseSha, mergeBase] = r.stdout.trim().split('\n');
  if (r.code !== 0 || !tree || !mergeBase) {
    if (r.code !== 0 && tree && !baseSha)
      throw new OrchardError('branch-not-found', `base not found: ${base} (set another with orchard base)`);
    if (tree && baseSha && !mergeBase)
      throw new OrchardError('command-failed', `the branch has no common history with its base ${base}`);
    const msg = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.code}`;
    throw new OrchardError('command-failed', `reading the worktree's changes failed: ${msg}`, r.stderr);
  }
  return { tree, baseSha: baseSha!, mergeBase };
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

/** `git diff --raw --numstat -z`: raw records first, then numstat records in the same order. */
export function parseRawNumstat(out: string): RawEntry[] {
  const f = out.split('\0');
  const entries: RawEntry[] = [];
  let i = 0;
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
  return entries;
}

/** Split a multi-file patch into one patch per file (content lines never start with "diff --git "). */
export function splitPatch(out: string): string[] {
  if (!out) return [];
  const parts = out.split(/^(?=diff --git )/m);
  return parts.filter((p) => p.startsWith('diff --git '));
}

const DIFF_ARGS = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M'];

export async function listChanges(
  host: Host,
  worktree: string,
  snap: Snapshot,
  withPatches: boolean,
): Promise<DiffFile[]> {
  const [raw, others] = await Promise.all([
    gitx(
      host,
      worktree,
      [...DIFF_ARGS, '--raw', '--numstat', '-z', '--no-abbrev', snap.mergeBase, snap.tree],
      'git diff',
    ),
    gitx(host, worktree, ['ls-files', '--others', '--exclude-standard', '-z'], 'git ls-files'),
  ]);
  const entries = parseRawNumstat(raw.stdout);
  const untracked = new Set(others.stdout.split('\0').filter(Boolean));
  const shas = [...new Set(entries.flatMap((e) => [e.oldSha, e.newSha]).filter((s) => s && !ZERO.test(s)))];
  const sizes = await blobSizes(host, worktree, shas);
  for (const e of entries) {
    if (untracked.has(e.file.path)) e.file.untracked = true;
    const big = Math.max(sizes.get(e.oldSha) ?? 0, sizes.get(e.newSha) ?? 0);
    if (big > DIFF_LARGE_BYTES) e.file.large = true;
  }
  const files = entries.map((e) => e.file);
  if (withPatches) await attachPatches(host, worktree, snap, files);
  return files;
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

/** Every small text file's patch from one `git diff`; large files are left out of it by pathspec. */
async function attachPatches(host: Host, cwd: string, snap: Snapshot, files: DiffFile[]): Promise<void> {
  const skip = files.filter((f) => f.large);
  const exclude = skip.flatMap((f) => [f.path, ...(f.oldPath ? [f.oldPath] : [])]);
  const args = [
    ...DIFF_ARGS,
    snap.mergeBase,
    snap.tree,
    '--',
    '.',
    ...exclude.map((p) => `:(exclude,literal)${p}`),
  ];
  // Magic pathspecs need the literal-pathspecs default off; every path here is marked literal itself.
  const r = await gitx(host, cwd, args, 'git diff', { env: { GIT_LITERAL_PATHSPECS: '0' } });
  const patches = splitPatch(r.stdout);
  const kept = files.filter((f) => !f.large);
  kept.forEach((f, i) => {
    if (!f.binary && patches[i] !== undefined) f.patch = patches[i];
  });
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
  const entry = parseRawNumstat(raw.stdout).find((e) => e.file.path === path);
  if (!entry) throw new OrchardError('not-found', `no change to ${path} in this diff`);
  const shas = [entry.oldSha, entry.newSha].filter((s) => !ZERO.test(s));
  const sizes = await blobSizes(host, cwd, shas);
  const large = Math.max(0, ...shas.map((s) => sizes.get(s) ?? 0)) > DIFF_LARGE_BYTES;
  if (large || entry.file.binary) return { path, patch: null, binary: entry.file.binary, large };
  const r = await gitx(
    host,
    cwd,
    [...DIFF_ARGS, mergeBase, tree, '--', path, ...(oldPath ? [oldPath] : [])],
    'git diff',
  );
  return { path, patch: r.stdout, binary: false, large: false };
}
