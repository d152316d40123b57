// Output batching, after VS Code's TerminalDataBufferer: a pty delivers many small chunks; sending
// each one as its own message costs more than the data. Chunks are joined for `ms` milliseconds.
import { FLOW } from '../../shared/api.ts';
import type { Disposable } from '../util/lifecycle.ts';

export class DataBatcher implements Disposable {
  private parts: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly flushTo: (data: string) => void;
  private readonly ms: number;

  constructor(flushTo: (data: string) => void, ms: number = FLOW.batchMs) {
    this.flushTo = flushTo;
    this.ms = ms;
  }

  push(data: string): void {
    if (data.length === 0) return;
    this.parts.push(data);
    this.timer ??= setTimeout(() => this.flush(), this.ms);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.parts.length === 0) return;
    const data = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.flushTo(data);
  }

  /** Drops what is pending: a disposed terminal has no one to deliver to. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.parts = [];
  }
}
