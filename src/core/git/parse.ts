// Pure parsers for git's machine-readable output.
import type { BranchInfo, WorktreeInfo } from '../../shared/model.ts';

/** A worktree as git lists it, with why it is locked ("initializing": `git worktree add` never finished). */
export interface WorktreeEntry extends WorktreeInfo {
  lockedReason?: string;
}

/** `git worktree list --porcelain -z`: records of NUL-terminated attribute lines, separated by an empty one. */
export function parseWorktreePorcelainZ(out: string): WorktreeEntry[] {
  const result: WorktreeEntry[] = [];
  let cur: WorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (cur) result.push(cur);
      cur = null;
      continue;
    }
    const sp = field.indexOf(' ');
    const key = sp === -1 ? field : field.slice(0, sp);
    const value = sp === -1 ? '' : field.slice(sp + 1);
    if (key === 'worktree') {
      if (cur) result.push(cur);
      cur = {
        path: value,
        head: null,
        branch: null,
        bare: false,
        detached: false,
        locked: false,
        prunable: false,
      };
      continue;
    }
    if (!cur) continue;
    switch (key) {
      case 'HEAD':
        cur.head = value;
        break;
      case 'branch':
        cur.branch = value.startsWith('refs/heads/') ? value.slice('refs/heads/'.length) : value;
        break;
      case 'bare':
        cur.bare = true;
        break;
      case 'detached':
        cur.detached = true;
        break;
      case 'locked':
        cur.locked = true;
        if (value) cur.lockedReason = value;
        break;
      case 'prunable':
        cur.prunable = true;
        break;
    }
  }
  if (cur) result.push(cur);
  return result;
}

const FIELDS = [
  '%(refname)',
  '%(objectname)',
  '%(upstream:short)',
  '%(upstream:track,nobracket)',
  '%(committerdate:iso-strict)',
  '%(contents:subject)',
  '%(symref)',
] as const;

/** The for-each-ref format: fields separated by NUL, one ref per line (ref names cannot hold newlines). */
export const BRANCH_FORMAT = FIELDS.join('%00');

function parseTrack(track: string): { ahead: number; behind: number } {
  const ahead = /ahead (\d+)/.exec(track);
  const behind = /behind (\d+)/.exec(track);
  return { ahead: ahead ? Number(ahead[1]) : 0, behind: behind ? Number(behind[1]) : 0 };
}

export function parseBranchRefs(out: string): BranchInfo[] {
  const branches: BranchInfo[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [ref = '', sha = '', upstream = '', track = '', date = '', subject = '', symref = ''] =
      line.split('\0');
    if (symref) continue; // refs/remotes/origin/HEAD and friends
    let kind: BranchInfo['kind'];
    let name: string;
    if (ref.startsWith('refs/heads/')) {
      kind = 'local';
      name = ref.slice('refs/heads/'.length);
    } else if (ref.startsWith('refs/remotes/')) {
      kind = 'remote';
      name = ref.slice('refs/remotes/'.length);
    } else continue;
    const { ahead, behind } = parseTrack(track);
    branches.push({
      name,
      kind,
      upstream: upstream || null,
      ahead,
      behind,
      worktree: null,
      sessionId: null,
      lastCommit: { sha, subject, date },
    });
  }
  return branches;
}

/** `git status --porcelain -z`: any entry at all means the work tree is not clean. */
export function isDirtyStatus(out: string): boolean {
  return out.split('\0').some((e) => e.length > 0);
}
