// Flow control for one terminal stream, after VS Code's FlowControlConstants: count chars sent to
// the viewer and not yet acknowledged (acks come after xterm parsed them); pause the pty above the
// high watermark, resume below the low one. A viewer that stops acking (slow, hidden, gone) then
// costs nothing: tmux keeps the agent running and redraws the screen when we read again.
import { FLOW } from '../../shared/api.ts';

export interface FlowOptions {
  highWatermark?: number;
  lowWatermark?: number;
}

export class FlowController {
  private unackedChars = 0;
  private paused = false;
  private readonly high: number;
  private readonly low: number;
  private readonly onPause: () => void;
  private readonly onResume: () => void;

  constructor(onPause: () => void, onResume: () => void, opts: FlowOptions = {}) {
    this.onPause = onPause;
    this.onResume = onResume;
    this.high = opts.highWatermark ?? FLOW.highWatermark;
    this.low = opts.lowWatermark ?? FLOW.lowWatermark;
  }

  get unacknowledged(): number {
    return this.unackedChars;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** `chars` were handed to the viewer. */
  sent(chars: number): void {
    this.unackedChars += chars;
    if (!this.paused && this.unackedChars > this.high) {
      this.paused = true;
      this.onPause();
    }
  }

  /** The viewer parsed `chars`. Over-acking (a confused or hostile client) cannot go below zero. */
  ack(chars: number): void {
    if (!Number.isFinite(chars) || chars <= 0) return;
    this.unackedChars = Math.max(0, this.unackedChars - chars);
    if (this.paused && this.unackedChars < this.low) {
      this.paused = false;
      this.onResume();
    }
  }
}
