// Built-in agent profiles. The store may override any of them or add new ones (merged by id).
import type { AgentProfile } from '../../shared/model.ts';

const GiB = 1024 ** 3;

export const BUILTIN_PROFILES: readonly AgentProfile[] = [
  { id: 'claude', label: 'Claude Code', kind: 'claude', command: ['claude'], expectedMemory: 1.5 * GiB },
  { id: 'codex', label: 'Codex', kind: 'codex', command: ['codex'], expectedMemory: 0.5 * GiB },
  { id: 'gemini', label: 'Gemini CLI', kind: 'gemini', command: ['gemini'], expectedMemory: 0.5 * GiB },
  { id: 'aider', label: 'Aider', kind: 'aider', command: ['aider'], expectedMemory: 0.5 * GiB },
  { id: 'opencode', label: 'OpenCode', kind: 'opencode', command: ['opencode'], expectedMemory: 0.5 * GiB },
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
