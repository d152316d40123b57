// Run an async job never twice at once; a request while it runs makes it run once more right after
// (the running pass may predate what prompted the request), however many requests came meanwhile.
export class Rerun {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly job: () => Promise<void>;

  constructor(job: () => Promise<void>) {
    this.job = job;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.job();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
