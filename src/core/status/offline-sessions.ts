// The sessions a host monitor (host-monitor.ts) lists that are not running: those of a tmux server
// that died under them, and those known only from their durable records. A session killed on
// purpose is neither: it is just gone.
import type { RepoConfig, SessionInfo } from '../../shared/model.ts';
import type { HostContext } from '../hosts/registry.ts';
import { hostRecords, stoppedSessions } from '../sessions/stopped.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { asStopped } from './host-sessions.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface OfflineSource {
  /** The host's running sessions as of now. */
  live(): SessionInfo[];
  repos(): RepoConfig[];
}

export class OfflineSessions {
  /** The records are to be read again. */
  dirty = true;
  /** Sessions of a server that died under them, shown as stopped until a server is back. */
  private stopped: SessionInfo[] = [];
  /** Sessions known only from their durable records (src/core/sessions/records.ts): stopped. */
  private recorded: SessionInfo[] = [];
  /** Sessions killed on purpose lately (id → when). */
  private readonly goneIds = new Map<string, number>();
  private readonly name: string;
  private readonly log: (m: string) => void;
  private readonly source: OfflineSource;

  constructor(name: string, log: (m: string) => void, source: OfflineSource) {
    this.name = name;
    this.log = log;
    this.source = source;
  }

  expectGone(id: string): void {
    const now = Date.now();
    for (const [k, at] of this.goneIds) if (now - at > 30_000) this.goneIds.delete(k);
    this.goneIds.set(id, now);
  }

  /** The server is gone: `panes` and `list` were its last, `reason` why its client exited. */
  serverExited(panes: readonly PaneRecord[], list: readonly SessionInfo[] | undefined, reason: string): void {
    const alive = panes.filter((p) => p.pane_dead !== '1' && !this.goneIds.has(p['@orchard_id']));
    // All at once (several sessions, or tmux said it died): say so instead of dropping them.
    if (alive.length >= 2 || (alive.length && /unexpectedly/.test(reason)))
      this.stopped = asStopped((list ?? []).filter((s) => !this.goneIds.has(s.id)));
  }

  /** A server lists sessions again: those of the dead one are no longer shown. */
  serverBack(): void {
    this.stopped = [];
  }

  /** The records' stopped sessions (one read: fs here, one exec over SSH), refreshed on changes. */
  async refresh(ctx: HostContext): Promise<void> {
    this.dirty = false;
    try {
      const live = this.source.live();
      this.recorded = await stoppedSessions(ctx, await hostRecords(ctx), live, this.source.repos());
    } catch (e) {
      this.log(`${this.name}: reading session records failed: ${message(e)}`);
    }
  }

  /** The live sessions, the dead server's, then the recorded sessions not already shown. */
  around(live: readonly SessionInfo[]): SessionInfo[] {
    const list = [...live, ...this.stopped];
    const ids = new Set(list.map((s) => s.id));
    return [...list, ...this.recorded.filter((s) => !ids.has(s.id))];
  }
}
