// Headless sessions (`spawn --headless`): what the agent's JSON output means, as events every front
// end shows the same way. Parsed on the engine's side from the session's out.jsonl
// (src/core/sessions/headless-events.ts). Pure types.

export type HeadlessEvent =
  /** The agent started (Claude Code's system/init, Codex's thread.started). */
  | { kind: 'start'; model?: string; sessionId?: string }
  /** A message the agent received (replayed by the agent, so writers from a plain shell show too). */
  | { kind: 'user'; text: string }
  | { kind: 'assistant'; text: string }
  /** A tool call with its input (Bash command, file path and content…). */
  | { kind: 'tool'; id: string; name: string; input: unknown }
  | { kind: 'tool-result'; id: string; text: string; isError: boolean }
  /** The end of a turn: cost and duration when the agent reports them, and denied permissions. */
  | {
      kind: 'result';
      ok: boolean;
      text?: string;
      costUsd?: number;
      durationMs?: number;
      turns?: number;
      /** Tools the agent was not allowed to use this turn ("Write notes.txt"). */
      denials?: string[];
    }
  /** Anything else worth a line (an API retry, an error event). */
  | { kind: 'notice'; text: string };

export interface HeadlessEventsParams {
  id: string;
  /** Byte offset into the session's event log to read from (0: from the start). */
  offset?: number;
}

export interface HeadlessEventsResult {
  id: string;
  events: HeadlessEvent[];
  /** Where the next read starts (only whole lines are consumed). */
  offset: number;
  /** False when no agent reads the session's pipe (exited, killed): `send` would fail. */
  running: boolean;
}
