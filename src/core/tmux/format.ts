// The one list-panes format that carries everything Orchard needs about every pane of its server.
import { FIELD_SEP, RECORD_END } from './escape.ts';

export const PANE_FIELDS = [
  'session_name',
  'pane_id',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_index',
  'window_index',
  'session_created',
  'pane_current_command',
  '@orchard_id',
  '@orchard_repo',
  '@orchard_repo_path',
  '@orchard_branch',
  '@orchard_worktree',
  '@orchard_owns_worktree',
  '@orchard_agent',
  '@orchard_agent_session',
  '@orchard_created',
  '@orchard_state',
  '@orchard_reason',
  '@orchard_state_at',
  '@orchard_exit',
  // Status and limits (src/core/status, src/core/limits): what the agent waits for, the screen
  // patterns' verdict for agents without hooks, the session's limits, why the agent was killed.
  '@orchard_detail',
  '@orchard_screen',
  '@orchard_limits',
  '@orchard_killed',
  // Where @orchard_state came from ('hook' when empty, 'screen' when the screen check wrote it), the
  // agent's permission mode from its hook input, and the last non-empty line the agent printed
  // before its pane died (written by the wrapper): why it exited.
  '@orchard_state_src',
  '@orchard_mode',
  '@orchard_last_words',
  // Review (src/core/review): the branch's base, its pull request, and that Orchard merged it.
  '@orchard_base',
  '@orchard_pr',
  '@orchard_merged',
  // The setup phase before the agent (src/core/sessions/setup.ts): running, failed.
  '@orchard_setup',
  // Headless sessions (src/core/sessions/headless.ts): how the agent takes messages.
  '@orchard_headless',
] as const;

export type PaneField = (typeof PANE_FIELDS)[number];
export type PaneRecord = Record<PaneField, string>;

export const PANE_FORMAT = PANE_FIELDS.map((f) => `#{${f}}`).join(FIELD_SEP) + RECORD_END;

export function parsePanes(out: string): PaneRecord[] {
  const records: PaneRecord[] = [];
  for (let chunk of out.split(RECORD_END)) {
    if (chunk.startsWith('\n')) chunk = chunk.slice(1);
    if (!chunk) continue;
    const values = chunk.split(FIELD_SEP);
    if (values.length !== PANE_FIELDS.length) continue;
    const rec = {} as PaneRecord;
    PANE_FIELDS.forEach((f, i) => (rec[f] = values[i] ?? ''));
    records.push(rec);
  }
  return records;
}

/** "tmux 3.3a", "tmux next-3.5", "tmux master" → [major, minor] (master counts as new). */
export function parseTmuxVersion(out: string): [number, number] | null {
  const m = /(\d+)\.(\d+)/.exec(out);
  if (m) return [Number(m[1]), Number(m[2])];
  if (/master|next/.test(out)) return [99, 0];
  return null;
}
