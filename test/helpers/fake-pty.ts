// A pty stand-in for unit tests of the terminal data plane: records what is done to it.
import type { PtyStream } from '../../src/core/hosts/host.ts';
import { Emitter } from '../../src/core/util/lifecycle.ts';

export class FakePty implements PtyStream {
  readonly data = new Emitter<string>();
  readonly exit = new Emitter<{ code: number | null }>();
  readonly onData = this.data.event;
  readonly onExit = this.exit.event;
  written: string[] = [];
  sizes: [number, number][] = [];
  paused = false;
  pauses = 0;
  resumes = 0;
  disposed = false;
  write(d: string): void {
    this.written.push(d);
  }
  resize(c: number, r: number): void {
    this.sizes.push([c, r]);
  }
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
  resume(): void {
    this.paused = false;
    this.resumes++;
  }
  dispose(): void {
    this.disposed = true;
  }
}
