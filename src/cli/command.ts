// A CLI command module. main.ts knows none of them by name: each file under commands/ exports its
// commands and commands/index.ts lists the files, so features add commands without touching main.
import type { ParseArgsConfig } from 'node:util';
import type { Engine } from '../core/engine.ts';

export class UsageError extends Error {}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface Io {
  out(s: string): void;
  err(s: string): void;
  json(v: unknown): void;
}

export interface CommandContext {
  /** Positionals after the command word (and after the sub-command word, for grouped commands). */
  args: string[];
  values: Values;
  io: Io;
  /** Created on first use; disposed by main. */
  engine(): Engine;
  /** Print `value` as JSON with --json, else `human`. */
  emit(value: unknown, human: string): void;
}

export interface Command {
  /** "ls", or "repo add" for a grouped command. */
  name: string;
  usage: string;
  summary: string;
  options?: OptionSpec;
  run(ctx: CommandContext): Promise<number>;
}

export function need(args: string[], n: number, usage: string): void {
  if (args.length < n) throw new UsageError(`usage: orchard ${usage}`);
  if (args.length > n) throw new UsageError(`unexpected argument: ${args[n]} (usage: orchard ${usage})`);
}

export const str = (v: Values, k: string): string | undefined =>
  typeof v[k] === 'string' ? (v[k] as string) : undefined;
export const flag = (v: Values, k: string): boolean => v[k] === true;
