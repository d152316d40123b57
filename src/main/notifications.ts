// Native notifications when a session starts waiting or exits; clicking one opens its tab.
import { Notification } from 'electron';
import type { SessionInfo, SessionState } from '../shared/model.ts';
import { fleetNotices, stateMap, type Notice } from './fleet-view.ts';

export interface NotifierOptions {
  enabled(): boolean;
  /** Profile ids whose sessions never notify (preferences.notifications.mutedProfiles). */
  mutedProfiles(): readonly string[];
  openSession(id: string): void;
}

export class FleetNotifier {
  private before: Map<string, SessionState> | undefined;
  private readonly opts: NotifierOptions;
  /** Kept referenced until closed: a garbage-collected Notification loses its click handler. */
  private readonly live = new Set<Notification>();

  constructor(opts: NotifierOptions) {
    this.opts = opts;
  }

  /** Feed every fresh session list; the first one only sets the baseline (no flood on start). */
  update(sessions: SessionInfo[]): Notice[] {
    const before = this.before;
    this.before = stateMap(sessions);
    if (!before || !this.opts.enabled() || !Notification.isSupported()) return [];
    const muted = new Set(this.opts.mutedProfiles());
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const notices = fleetNotices(before, sessions).filter(
      (n) => !muted.has(byId.get(n.session)?.agent ?? ''),
    );
    for (const n of notices) this.show(n);
    return notices;
  }

  private show(n: Notice): void {
    const note = new Notification({ title: n.title, body: n.body });
    this.live.add(note);
    note.on('click', () => this.opts.openSession(n.session));
    note.on('close', () => this.live.delete(note));
    note.show();
  }
}
