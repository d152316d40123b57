// Named timers for an object with several cadences: a one-shot per name (re-arming replaces it),
// loops that never overlap themselves, and one dispose for all of them.
export class Timers {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly generation = new Map<string, number>();
  private disposed = false;
  private readonly onError: (name: string, e: unknown) => void;

  constructor(onError: (name: string, e: unknown) => void) {
    this.onError = onError;
  }

  /** fn once after ms (replacing a pending one of the same name). */
  after(name: string, ms: number, fn: () => unknown): void {
    this.clear(name);
    if (this.disposed) return;
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        void fn();
      }, ms),
    );
  }

  /** fn every ms, never overlapping itself: the next run is scheduled when this one ends. */
  every(name: string, ms: number, fn: () => Promise<unknown> | unknown): void {
    this.stop(name);
    const gen = this.generation.get(name) ?? 0;
    const loop = () =>
      this.after(name, ms, async () => {
        try {
          await fn();
        } catch (e) {
          this.onError(name, e);
        }
        if ((this.generation.get(name) ?? 0) === gen) loop();
      });
    loop();
  }

  /** End an `every` loop, even one whose run is under way. */
  stop(name: string): void {
    this.generation.set(name, (this.generation.get(name) ?? 0) + 1);
    this.clear(name);
  }

  /** Cancel a pending one-shot. */
  clear(name: string): void {
    const t = this.timers.get(name);
    if (t) clearTimeout(t);
    this.timers.delete(name);
  }

  dispose(): void {
    this.disposed = true;
    for (const name of [...this.timers.keys()]) this.stop(name);
  }
}
