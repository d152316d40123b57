import { createRequire } from 'node:module';
import type { IPty } from '@lydell/node-pty';
import { OrchardError } from '../../shared/errors.ts';
import { Emitter } from '../util/lifecycle.ts';
import type { PtyOptions, PtyStream } from './host.ts';

// node-pty is native: load it lazily so commands that never open a terminal never pay for it.
const require = createRequire(import.meta.url);
let ptyModule: typeof import('@lydell/node-pty') | undefined;
function loadPty(): typeof import('@lydell/node-pty') {
  ptyModule ??= require('@lydell/node-pty') as typeof import('@lydell/node-pty');
  return ptyModule;
}

class LocalPty implements PtyStream {
  private readonly dataEmitter = new Emitter<string>();
  private readonly exitEmitter = new Emitter<{ code: number | null }>();
  readonly onData = this.dataEmitter.event;
  readonly onExit = this.exitEmitter.event;
  private exited = false;

  private readonly pty: IPty;

  constructor(pty: IPty) {
    this.pty = pty;
    pty.onData((d) => this.dataEmitter.fire(d));
    pty.onExit(({ exitCode }) => {
      this.exited = true;
      this.exitEmitter.fire({ code: exitCode });
    });
  }

  write(data: string): void {
    if (!this.exited) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exited && cols > 0 && rows > 0) this.pty.resize(cols, rows);
  }

  pause(): void {
    this.pty.pause();
  }

  resume(): void {
    this.pty.resume();
  }

  dispose(): void {
    if (!this.exited) {
      try {
        this.pty.kill();
      } catch {
        // already gone
      }
    }
    this.dataEmitter.dispose();
    this.exitEmitter.dispose();
  }
}

export async function openLocalPty(argv: readonly string[], opts: PtyOptions): Promise<PtyStream> {
  const [file, ...args] = argv;
  if (!file) throw new OrchardError('invalid-argument', 'empty command');
  const { spawn } = loadPty();
  const pty = spawn(file, args, {
    name: 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd ?? process.cwd(),
    env: { ...(process.env as Record<string, string>), ...opts.env, TERM: 'xterm-256color' },
    encoding: 'utf8',
  });
  return new LocalPty(pty);
}
