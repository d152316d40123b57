// Drag payloads between sidebar, tab bar and drop zones. Custom MIME types so a stray text drag
// (a file name, a selection) never spawns anything.
import type { DragEvent } from 'react';

export const BRANCH_MIME = 'application/x-orchard-branch';
export const TAB_MIME = 'application/x-orchard-tab';

export interface BranchRef {
  host: string;
  repo: string;
  branch: string;
}

export function setBranchDrag(e: DragEvent, ref: BranchRef): void {
  e.dataTransfer.setData(BRANCH_MIME, JSON.stringify(ref));
  // Plain text too, so dropping on an editor or terminal outside the app gives the branch name.
  e.dataTransfer.setData('text/plain', ref.branch);
  e.dataTransfer.effectAllowed = 'copy';
}

export function hasType(e: DragEvent, mime: string): boolean {
  return Array.from(e.dataTransfer.types).includes(mime);
}

export function getBranchDrag(e: DragEvent): BranchRef | null {
  const raw = e.dataTransfer.getData(BRANCH_MIME);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<BranchRef>;
    if (typeof v.repo === 'string' && typeof v.branch === 'string' && typeof v.host === 'string')
      return { host: v.host, repo: v.repo, branch: v.branch };
  } catch {
    // not ours
  }
  return null;
}
