// Built-in agent profiles. The store may override any of them or add new ones (merged by id).
import type { AgentKind, AgentProfile, HeadlessSpec, SendBehaviour } from '../../shared/model.ts';

const GiB = 1024 ** 3;

/**
 * How each agent resumes its conversation (a profile's `resumeArgs` overrides its kind's). Claude
 * Code is started with a known `--session-id`, so it resumes that exact conversation. The others
 * pick their own ids, so they resume the latest conversation of the folder, which is the session's
 * own worktree: Codex `codex resume --last` (limited to the cwd, openai/codex#9245), Gemini CLI `--resume`
 * (latest session; its sessions are per project), OpenCode `--continue` (last session of the project).
 */
export const RESUME_ARGS: Partial<Record<AgentKind, string[]>> = {
  claude: ['--resume', '{sessionId}'],
  codex: ['resume', '--last'],
  gemini: ['--resume'],
  opencode: ['--continue'],
};

/**
 * How each agent runs headless (a profile's `headless` overrides its kind's). Claude Code: print mode
 * with stream-json both ways, its user messages echoed back (so a message written to the pipe by
 * any program shows in the events); Codex: `exec --json`, one prompt per run.
 */
export const HEADLESS: Partial<Record<AgentKind, HeadlessSpec>> = {
  claude: {
    args: [
      '-p',
      '--input-format',
      'stream-json',
      '--output-format',
      'stream-json',
      '--verbose',
      '--replay-user-messages',
    ],
    input: 'stream-json',
  },
  codex: { args: ['exec', '--json'], input: 'argv' },
};

/**
 * How each agent takes `orchard send` (measured against the real CLIs, test/realagent): Gemini CLI
 * 0.61 drops an Enter that comes in the same write as the paste (≥ 50 ms later it submits);
 * it also drops the first Enter in its first seconds after start (confirmSubmit looks and presses again);
 * OpenCode 1.18 opens its command menu for a pasted "/exit" and submits on an Enter a moment later.
 * Codex and Claude Code take both in one tmux call.
 */
export const SEND: Partial<Record<AgentKind, SendBehaviour>> = {
  gemini: { submitDelayMs: 150, slashDelayMs: 300, confirmSubmit: true },
  opencode: { slashDelayMs: 300 },
};

export const BUILTIN_PROFILES: readonly AgentProfile[] = [
  {
    id: 'claude',
    label: 'Claude Code',
    kind: 'claude',
    command: ['claude'],
    expectedMemory: 1.5 * GiB,
    resumeArgs: RESUME_ARGS.claude,
  },
  {
    id: 'codex',
    label: 'Codex',
    kind: 'codex',
    command: ['codex'],
    expectedMemory: 0.5 * GiB,
    resumeArgs: RESUME_ARGS.codex,
  },
  {
    id: 'gemini',
    label: 'Gemini CLI',
    kind: 'gemini',
    command: ['gemini'],
    expectedMemory: 0.5 * GiB,
    resumeArgs: RESUME_ARGS.gemini,
    send: SEND.gemini,
  },
  { id: 'aider', label: 'Aider', kind: 'aider', command: ['aider'], expectedMemory: 0.5 * GiB },
  {
    id: 'opencode',
    label: 'OpenCode',
    kind: 'opencode',
    command: ['opencode'],
    expectedMemory: 0.5 * GiB,
    resumeArgs: RESUME_ARGS.opencode,
    send: SEND.opencode,
  },
  {
    id: 'shell',
    label: 'Shell',
    kind: 'custom',
    command: ['sh', '-c', 'exec "${SHELL:-/bin/sh}" -l'],
    expectedMemory: 0,
  },
];

export const DEFAULT_AGENT = 'claude';

export function mergeProfiles(overrides: readonly AgentProfile[]): AgentProfile[] {
  const byId = new Map<string, AgentProfile>(BUILTIN_PROFILES.map((p) => [p.id, p]));
  for (const p of overrides) byId.set(p.id, p);
  return [...byId.values()];
}

/** A profile for `--command <cmd>`: the user's own shell command line, run by sh as they wrote it. */
export function customCommandProfile(cmd: string): AgentProfile {
  return {
    id: 'custom',
    label: 'Custom command',
    kind: 'custom',
    command: ['sh', '-c', cmd],
    expectedMemory: 0,
  };
}
