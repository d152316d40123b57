// Native status signals per agent kind: what each CLI offers to say "working", "waiting (why)",
// "idle" and "exited" itself, wired the way Orchard wires Claude Code's hooks: files under
// Orchard's folder on the session's host (ORCHARD_HOME/hooks), passed by a flag or an environment
// variable, never written into the worktree. The screen models (status/screens/) remain the check
// and the fallback for whatever a signal does not report.
import { posix } from 'node:path';
import type { AgentKind } from '../../shared/model.ts';
import type { HostContext } from '../hosts/registry.ts';
import { codexSignals } from './codex-signals.ts';
import { geminiSignals } from './gemini-signals.ts';
import { opencodeSignals } from './opencode-signals.ts';

export interface AgentSignals {
  /** Files to write on the session's host before the agent starts (constant content). */
  files: { path: string; content: string }[];
  /** Arguments for the agent's command line (global flags: before any subcommand). */
  args: string[];
  /** Environment for the agent. */
  env: Record<string, string>;
  /** What the agent reports natively (for `orchard profiles` and the docs). */
  signals: string[];
}

/** The native signals of an agent kind, or null (Claude Code's hooks are set up in claude-hooks.ts). */
export function agentSignals(kind: AgentKind, hooksDir: string): AgentSignals | null {
  switch (kind) {
    case 'codex':
      return codexSignals(hooksDir);
    case 'gemini':
      return geminiSignals(hooksDir);
    case 'opencode':
      return opencodeSignals(hooksDir);
    default:
      return null;
  }
}

/**
 * The command line with the signals' flags appended to the profile's command, so they come before
 * any resume arguments (`codex -c notify=… resume --last`) and after a wrapper's own program
 * (`npx codex -c …`).
 */
export function withSignalArgs(command: readonly string[], s: AgentSignals | null): string[] {
  return s ? [...command, ...s.args] : [...command];
}

/**
 * The signals of `kind` with their files written on the session's host (ORCHARD_HOME/hooks; the
 * content is constant, so sessions share them and a rewrite changes nothing), or null.
 */
export async function prepareSignals(ctx: HostContext, kind: AgentKind): Promise<AgentSignals | null> {
  const s = agentSignals(kind, posix.join(await ctx.home(), 'hooks'));
  if (!s) return null;
  await Promise.all(s.files.map((f) => ctx.host.writeFile(f.path, f.content)));
  return s;
}
