// Session list changes for subscribed clients: one engine.list() (one `tmux list-panes` per host)
// per interval, only while someone listens; an event only when the list actually changed.
// Polls are chained (never overlapping) so a slow host cannot pile them up.
import type { SessionStateEvent } from '../../shared/api.ts';
import type { SessionInfo, SessionState } from '../../shared/model.ts';
import { Emitter, toDisposable, type Disposable } from '../util/lifecycle.ts';

export class SessionWatcher implements Disposable {
  private readonly changed = new Emitter<SessionInfo[]>();
  private readonly stateChanged = new Emitter<SessionStateEvent>();
  readonly onDidChangeSessions = this.changed.event;
  readonly onDidChangeState = this.stateChanged.event;

  private holders = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** A refresh asked for while a poll ran: poll again as soon as it ends (it may predate the change). */
  private again = false;
  private last: { json: string; list: SessionInfo[] } | undefined;
  private states: Map<string, SessionState> | undefined;
  private lastError: string | undefined;
  private disposed = false;
  private readonly list: () => Promise<SessionInfo[]>;
  private readonly intervalMs: number;

  constructor(list: () => Promise<SessionInfo[]>, intervalMs = 1000) {
    this.list = list;
    this.intervalMs = intervalMs;
  }

  /** The last list seen, while polling runs. */
  get current(): SessionInfo[] | undefined {
    return this.last?.list;
  }

  /** Keep polling while the returned disposable lives. */
  retain(): Disposable {
    this.holders++;
    if (this.holders === 1) this.start();
    return toDisposable(() => {
      this.holders--;
      if (this.holders === 0) this.stop();
    });
  }

  /** Poll now (e.g. right after a spawn or kill) instead of at the next tick. */
  refresh(): void {
    if (this.holders === 0 || this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.tick();
  }

  private start(): void {
    if (this.disposed) return;
    void this.tick();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A later subscriber starts from a fresh list, not a stale one.
    this.last = undefined;
    this.states = undefined;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const list = await this.list();
      this.lastError = undefined;
      if (this.holders > 0 && !this.disposed) this.take(list);
    } catch (e) {
      // Keep the last good list; say it once, not every second.
      const msg = e instanceof Error ? e.message : String(e);
      if (msg !== this.lastError) console.error(`[orchard] listing sessions failed: ${msg}`);
      this.lastError = msg;
    } finally {
      this.running = false;
    }
    if (this.holders === 0 || this.disposed) return;
    if (this.again) {
      this.again = false;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.tick();
    } else if (!this.timer)
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.tick();
      }, this.intervalMs);
  }

  private take(list: SessionInfo[]): void {
    const json = JSON.stringify(list);
    const seeding = this.states === undefined;
    const states = new Map(list.map((s) => [s.id, s.state] as const));
    if (!seeding) {
      for (const s of list) {
        const from = this.states!.get(s.id) ?? null;
        if (from !== s.state) this.stateChanged.fire({ id: s.id, from, to: s.state, session: s });
      }
    }
    this.states = states;
    if (json === this.last?.json) return;
    this.last = { json, list };
    this.changed.fire(list);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.changed.dispose();
    this.stateChanged.dispose();
  }
}
