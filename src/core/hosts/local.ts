import { spawn } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { OrchardError } from '../../shared/errors.ts';
import {
  execTimeout,
  timedOutMessage,
  type ExecOptions,
  type ExecResult,
  type Host,
  type PtyOptions,
  type PtyStream,
} from './host.ts';
import { openLocalPty } from './local-pty.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

/** Counts every process this host starts; benchmarks and tests read it (and ORCHARD_TRACE_EXEC=1 logs). */
export interface ExecCounter {
  count: number;
}

/** How long a timed-out process gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 3000;

export class LocalHost implements Host {
  readonly name = 'local';
  readonly execs: ExecCounter = { count: 0 };
  private readonly trace = process.env.ORCHARD_TRACE_EXEC === '1';

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const [file, ...args] = argv;
    if (!file) return Promise.reject(new OrchardError('invalid-argument', 'empty command'));
    this.execs.count++;
    if (this.trace) process.stderr.write(`[orchard exec] ${argv.join(' ').replace(/\n/g, '\\n')}\n`);
    const limit = execTimeout(opts);
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      // Past the limit: SIGTERM (git removes its lock files on it), SIGKILL if that is ignored;
      // exec settles when the process is gone, so a caller never races a still-running git.
      let timedOut = false;
      let killer: ReturnType<typeof setTimeout> | undefined;
      const timer =
        limit > 0
          ? setTimeout(() => {
              timedOut = true;
              child.kill('SIGTERM');
              killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
              // A grandchild holding the pipes must not keep exec waiting once the process is gone.
              child.once('exit', () => {
                child.stdout.destroy();
                child.stderr.destroy();
              });
            }, limit)
          : undefined;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (e.code === 'ENOENT') {
          const where = opts.cwd ? ` (or directory ${opts.cwd} does not exist)` : '';
          reject(new OrchardError('tool-missing', `${file} is not installed or not on PATH${where}`));
        } else reject(new OrchardError('command-failed', `${file}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(killer);
        if (timedOut) return reject(new OrchardError('command-failed', timedOutMessage(argv, limit)));
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
      // EPIPE when the child exits without reading stdin is not our failure.
      child.stdin.on('error', () => {});
      if (opts.input !== undefined) child.stdin.end(opts.input);
      else child.stdin.end();
    });
  }

  readFile(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }

  async writeFile(path: string, data: string, mode = 0o644): Promise<void> {
    await writeFileAtomic(path, data, { mode });
  }

  async mkdirp(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  }

  async homeDir(): Promise<string> {
    return homedir();
  }

  openPty(argv: readonly string[], opts: PtyOptions): Promise<PtyStream> {
    return openLocalPty(argv, opts);
  }

  dispose(): void {}
}
