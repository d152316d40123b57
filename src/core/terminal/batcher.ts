// Output batching, after VS Code's TerminalDataBufferer: a pty delivers many small chunks; sending
// each one as its own message costs more than the data. Unlike VS Code this is a throttle with a
// leading edge: a chunk after a quiet spell (a keystroke's echo) goes out at once, and whatever
// follows within `ms` is joined into one message at the end of the window. A flood still costs
// one message per window; typing costs no added latency.
import { FLOW } from '../../shared/api.ts';
import type { Disposable } from '../util/lifecycle.ts';

export class DataBatcher implements Disposable {
  private parts: string[] = [];
  private window: ReturnType<typeof setTimeout> | undefined;
  private readonly flushTo: (data: string) => void;
  private readonly ms: number;

  constructor(flushTo: (data: string) => void, ms: number = FLOW.batchMs) {
    this.flushTo = flushTo;
    this.ms = ms;
  }

  push(data: string): void {
    if (data.length === 0) return;
    this.parts.push(data);
    if (this.window) return;
    this.flush();
    this.openWindow();
  }

  private openWindow(): void {
    this.window = setTimeout(() => {
      this.window = undefined;
      // Output kept coming: deliver it and keep batching; a quiet window ends the batching.
      if (this.parts.length) {
        this.flush();
        this.openWindow();
      }
    }, this.ms);
  }

  /** Deliver what is pending now. */
  flush(): void {
    if (this.parts.length === 0) return;
    const data = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.flushTo(data);
  }

  /** Drops what is pending: a disposed terminal has no one to deliver to. */
  dispose(): void {
    if (this.window) clearTimeout(this.window);
    this.window = undefined;
    this.parts = [];
  }
}
