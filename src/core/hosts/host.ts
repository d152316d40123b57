// The Host port: every side effect on a machine (local or over SSH) goes through it, so git, tmux
// and agent code never know which kind of host they run on.
import type { Duplex } from 'node:stream';
import type { Disposable, Event } from '../util/lifecycle.ts';

export interface ExecOptions {
  cwd?: string;
  /** Written to the process's stdin, then stdin is closed. */
  input?: string | Buffer;
  env?: Record<string, string>;
  /**
   * Past this the command is stopped (process killed, SSH channel closed) and exec rejects with
   * "timed out after N s: <command>". Default EXEC_TIMEOUT_MS; 0: no limit.
   */
  timeoutMs?: number;
}

/**
 * Every command has a time limit, so a hung tool (a remote git waiting on a dead NFS mount, a tmux
 * that swaps) never holds a process or an SSH channel forever. Generous: git can take long on big
 * repos; polled commands (list-panes) pass their own short limit.
 */
export const EXEC_TIMEOUT_MS = 120_000;

/** The limit for this call (0 or less: none). */
export function execTimeout(opts: ExecOptions): number {
  return opts.timeoutMs ?? EXEC_TIMEOUT_MS;
}

/** "timed out after 10 s: tmux -L orchard list-panes ..." (long argv shortened). */
export function timedOutMessage(argv: readonly string[], ms: number, where = ''): string {
  const cmd = argv.join(' ');
  const shown = cmd.length > 160 ? `${cmd.slice(0, 157)}...` : cmd;
  return `timed out after ${Math.round(ms / 100) / 10} s${where}: ${shown}`;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PtyOptions {
  cols: number;
  rows: number;
  cwd?: string;
  env?: Record<string, string>;
}

/** A live terminal byte stream (node-pty locally, an ssh2 pty channel remotely). */
export interface PtyStream extends Disposable {
  readonly onData: Event<string>;
  readonly onExit: Event<{ code: number | null }>;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
}

export interface Host extends Disposable {
  readonly name: string;
  /** Run argv (no shell); resolves with the exit code. Rejects only when it could not run at all. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<string>;
  /** Atomic: write a temp file beside it, then rename. */
  writeFile(path: string, data: string, mode?: number): Promise<void>;
  mkdirp(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  homeDir(): Promise<string>;
  openPty(argv: readonly string[], opts: PtyOptions): Promise<PtyStream>;
  /**
   * A TCP connection made FROM the host to address:port on it (SSH: a direct-tcpip channel through
   * the host's pooled connection). Absent on the local host: there, connect directly.
   */
  openTcp?(address: string, port: number): Promise<Duplex>;
  /**
   * The host was just reached another way (`orchard host test`, a passphrase given): forget earlier
   * connection failures, so the next use dials at once instead of waiting out a backoff.
   */
  reached?(): void;
}
