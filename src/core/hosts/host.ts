// The Host port: every side effect on a machine (local or over SSH) goes through it, so git, tmux
// and agent code never know which kind of host they run on.
import type { Duplex } from 'node:stream';
import type { Disposable, Event } from '../util/lifecycle.ts';

export interface ExecOptions {
  cwd?: string;
  /** Written to the process's stdin, then stdin is closed. */
  input?: string | Buffer;
  env?: Record<string, string>;
  timeoutMs?: number;
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
}
