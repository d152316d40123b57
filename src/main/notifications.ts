// Native notifications when a session starts waiting or exits; clicking one opens its tab.
// What deserves a notification and its text: src/shared/fleet.ts (browser mode uses the same).
import { Notification } from 'electron';
import type { ApprovalDecision } from '../shared/approve.ts';
import type { NotificationPreferences, SessionInfo } from '../shared/model.ts';
import { FleetNoticeTracker, type Notice } from '../shared/fleet.ts';

export interface NotifierOptions {
  /** The app's own switch (app-state settings.notifications). */
  enabled(): boolean;
  /** preferences.notifications from the shared config (mute all, mute profiles). */
  prefs(): NotificationPreferences | undefined;
  openSession(id: string): void;
  /** Approve / Deny buttons on a permission notice (macOS shows notification actions). */
  approve?(id: string, decision: ApprovalDecision, expect: string): void;
}

export class FleetNotifier {
  private readonly tracker = new FleetNoticeTracker();
  private readonly opts: NotifierOptions;
  /** Kept referenced until closed: a garbage-collected Notification loses its click handler. */
  private readonly live = new Set<Notification>();

  constructor(opts: NotifierOptions) {
    this.opts = opts;
  }

  /** Feed every fresh session list; the first one only sets the baseline (no flood on start). */
  update(sessions: SessionInfo[]): Notice[] {
    const notices = this.tracker.update(sessions, this.opts.prefs());
    if (!this.opts.enabled() || !Notification.isSupported()) return [];
    for (const n of notices) {
      const s = sessions.find((x) => x.id === n.session);
      const approve = this.opts.approve;
      const answer =
        approve && s?.state === 'waiting' && s.reason === 'permission'
          ? (yes: boolean) => approve(s.id, yes ? 'yes' : 'no', s.detail ?? '')
          : undefined;
      this.show(n.title, n.body, () => this.opts.openSession(n.session), answer);
    }
    return notices;
  }

  /** A plain note from the shell (e.g. tabs dropped on start); clicking it does nothing special. */
  note(body: string): void {
    if (this.opts.enabled() && Notification.isSupported()) this.show('Orchard', body);
  }

  private show(title: string, body: string, onClick?: () => void, answer?: (yes: boolean) => void): void {
    const note = new Notification({
      title,
      body,
      ...(answer
        ? {
            actions: [
              { type: 'button' as const, text: 'Approve' },
              { type: 'button' as const, text: 'Deny' },
            ],
          }
        : {}),
    });
    this.live.add(note);
    if (onClick) note.on('click', onClick);
    if (answer) note.on('action', (_e, index) => answer(index === 0));
    note.on('close', () => this.live.delete(note));
    note.show();
  }
}
