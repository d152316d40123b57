// One viewer's live terminal on one session: a pty running `tmux attach`, its output batched and
// flow-controlled toward the viewer. Disposing it kills the attach process only; the agent keeps
// running in tmux.
import type { PtyStream } from '../hosts/host.ts';
import { DisposableStore, type Disposable } from '../util/lifecycle.ts';
import { DataBatcher } from './batcher.ts';
import { FlowController, type FlowOptions } from './flow.ts';

export interface TerminalOutput {
  data(data: string): void;
  /** `tail`: the last output, where tmux says why it ended ("[server exited]"). */
  exit(code: number | null, tail: string): void;
}

/** Enough of the end of the output to hold tmux's exit message after its screen reset. */
const TAIL_CHARS = 512;

export interface TerminalOptions extends FlowOptions {
  batchMs?: number;
}

export class AttachedTerminal implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly flow: FlowController;
  private readonly batcher: DataBatcher;
  private readonly pty: PtyStream;
  private exited = false;
  private tail = '';

  constructor(pty: PtyStream, out: TerminalOutput, opts: TerminalOptions = {}) {
    this.pty = pty;
    this.flow = new FlowController(
      () => pty.pause(),
      () => pty.resume(),
      opts,
    );
    this.batcher = this.disposables.add(
      new DataBatcher((data) => {
        this.flow.sent(data.length);
        out.data(data);
      }, opts.batchMs),
    );
    this.disposables.add(
      pty.onData((d) => {
        this.tail = d.length >= TAIL_CHARS ? d.slice(-TAIL_CHARS) : (this.tail + d).slice(-TAIL_CHARS);
        this.batcher.push(d);
      }),
    );
    this.disposables.add(
      pty.onExit(({ code }) => {
        if (this.exited) return;
        this.exited = true;
        // Deliver the last output (tmux prints "[exited]") before the exit itself.
        this.batcher.flush();
        out.exit(code, this.tail);
      }),
    );
    this.disposables.add(pty);
  }

  get unacknowledged(): number {
    return this.flow.unacknowledged;
  }

  get paused(): boolean {
    return this.flow.isPaused;
  }

  input(data: string): void {
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
  }

  ack(chars: number): void {
    this.flow.ack(chars);
  }

  dispose(): void {
    this.exited = true;
    this.disposables.dispose();
  }
}
