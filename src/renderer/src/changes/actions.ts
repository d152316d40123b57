// What each review action does, in words the confirmation shows before anything runs, and the
// request that does it. Kept apart from the view so the wording is checked in one place.
import type { DiffResult, MergeMode, OrchardApi } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';

export type ActionKind = 'commit' | 'merge' | 'push' | 'pr' | 'cleanup';

export interface ActionInput {
  message: string;
  mode: MergeMode;
  deleteWorktree: boolean;
  title: string;
}

export const ACTION_LABEL: Record<ActionKind, string> = {
  commit: 'Commit',
  merge: 'Merge',
  push: 'Push',
  pr: 'Create PR',
  cleanup: 'Clean up',
};

export const ACTION_BUSY: Record<ActionKind, string> = {
  commit: 'Committing…',
  merge: 'Checking and merging…',
  push: 'Pushing…',
  pr: 'Creating the pull request…',
  cleanup: 'Cleaning up…',
};

/** The commit box's starting text: the branch name, then the changed files. */
export function defaultMessage(s: SessionInfo, d: DiffResult | null): string {
  const files = (d?.files ?? []).slice(0, 30).map((f) => `- ${f.path}`);
  const more = (d?.files.length ?? 0) > 30 ? [`- … and ${d!.files.length - 30} more`] : [];
  return [s.branch, '', ...files, ...more].join('\n');
}

export function describe(kind: ActionKind, s: SessionInfo, d: DiffResult | null, i: ActionInput): string {
  const base = s.base ?? d?.base ?? 'its base';
  const n = d?.files.length ?? 0;
  switch (kind) {
    case 'commit':
      return `Commits all ${n} changed file(s), new files included, on ${s.branch} in ${s.worktree} (host ${s.host}). Nothing outside this worktree is touched.`;
    case 'merge': {
      const how =
        i.mode === 'squash'
          ? `as one squashed commit`
          : i.mode === 'rebase'
            ? `by rebasing ${s.branch} onto ${base} (its commits are rewritten), then fast-forwarding ${base}`
            : `(a fast-forward when possible, else a merge commit)`;
      return (
        `Merges ${s.branch} into ${base} ${how}. Uncommitted changes in the worktree are committed first. ` +
        `It is checked first and refused, changing nothing, if it would conflict or if ${base}'s work tree has uncommitted changes; ` +
        `the merge runs in ${base}'s own work tree (no checkout is switched).` +
        (i.deleteWorktree
          ? ` Then the session ends and its worktree ${s.worktree} is removed (the branch is kept).`
          : '')
      );
    }
    case 'push':
      return `Pushes ${s.branch} to its upstream, or to origin (setting the upstream) when it has none.`;
    case 'pr':
      return `Pushes ${s.branch}, then creates a pull request into ${base} with the GitHub CLI (gh) on ${s.host}. Without gh (or logged out) nothing is pushed: you get the link to the forge's compare page instead.`;
    case 'cleanup':
      return `Ends the session (the agent stops) and removes its worktree ${s.worktree}. The branch ${s.branch} is kept. Refused if the branch is not merged into ${base} or the worktree has uncommitted changes.`;
  }
}

/** Runs the action; returns a line to show (and a link, for a pull request). */
export async function run(
  api: OrchardApi,
  kind: ActionKind,
  s: SessionInfo,
  i: ActionInput,
): Promise<{ text: string; url?: string }> {
  switch (kind) {
    case 'commit': {
      const r = await api.request('commit', { id: s.id, message: i.message, all: true });
      return { text: `Committed ${r.sha.slice(0, 10)} on ${r.branch}: ${r.subject}` };
    }
    case 'merge': {
      const r = await api.request('merge', {
        id: s.id,
        mode: i.mode,
        all: true,
        ...(i.deleteWorktree ? { deleteWorktree: true } : {}),
      });
      const how = r.fastForward ? 'fast-forward' : r.mode;
      return {
        text: `Merged ${r.branch} into ${r.into} (${how}); ${r.into} is now at ${r.sha.slice(0, 10)}`,
      };
    }
    case 'push': {
      const r = await api.request('push', { id: s.id });
      return {
        text: `Pushed ${r.branch} to ${r.remote}/${r.remoteBranch}${r.upstreamSet ? ' (upstream set)' : ''}`,
      };
    }
    case 'pr': {
      const r = await api.request('createPr', {
        id: s.id,
        ...(i.title.trim() ? { title: i.title.trim() } : {}),
      });
      if (!r.url) return { text: r.missing ?? 'No pull request could be made' };
      return {
        text: r.via === 'gh' ? 'Pull request created' : (r.missing ?? 'Open the compare page'),
        url: r.url,
      };
    }
    case 'cleanup': {
      const r = await api.request('cleanup', { id: s.id });
      return { text: r.worktreeRemoved ? `Removed ${r.worktree}` : 'Session ended' };
    }
  }
}
