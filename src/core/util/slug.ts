import { createHash, randomBytes } from 'node:crypto';

// A filesystem-safe, unique directory name for a branch. Safe names stay readable as they are;
// anything else is sanitized and suffixed with a hash of the original, so two different branches
// never map to one directory (even on case-insensitive filesystems).
export function branchSlug(branch: string): string {
  const safe = /^[a-z0-9][a-z0-9._-]{0,79}$/.test(branch) && !branch.endsWith('.') && !branch.includes('..');
  if (safe) return branch;
  const hash = createHash('sha256').update(branch, 'utf8').digest('hex').slice(0, 8);
  let base = branch
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60)
    .replace(/[-.]+$/g, '');
  if (!base) base = 'branch';
  return `${base}-${hash}`;
}

/** Short random id for sessions: 8 hex characters. */
export function randomId(): string {
  return randomBytes(4).toString('hex');
}
