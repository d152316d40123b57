// Browser mode only (the Electron shell sends native notifications itself): a Web Notification when
// a session starts waiting or exits; clicking it focuses the window and the session's tab. What
// triggers one, its text and the mute preferences are the shell's own (src/shared/fleet.ts), so
// both front ends notify about the same things in the same words.
import type { OrchardApi } from '../../shared/api.ts';
import { FleetNoticeTracker, isMuted, type Notice } from '../../shared/fleet.ts';
import type { NotificationPreferences, SessionInfo } from '../../shared/model.ts';

export const isBrowserMode = (): boolean => typeof window !== 'undefined' && !('orchard' in window);

export function canNotify(): boolean {
  return isBrowserMode() && typeof Notification !== 'undefined';
}

export class BrowserNotifier {
  private readonly tracker = new FleetNoticeTracker();
  private readonly api: Pick<OrchardApi, 'request'>;
  private readonly focusTab: (id: string) => void;

  constructor(api: Pick<OrchardApi, 'request'>, focusTab: (id: string) => void) {
    this.api = api;
    this.focusTab = focusTab;
  }

  /** Feed every session list; returns the notices shown (the first list is only the baseline). */
  async update(sessions: readonly SessionInfo[]): Promise<Notice[]> {
    const candidates = this.tracker.update(sessions);
    if (!candidates.length || !canNotify() || Notification.permission !== 'granted') return [];
    // Read now, not at start: the preferences live in the config, which the CLI or an editor may
    // change while this page stays open.
    const prefs = await this.api.request('preferences', {}).then(
      (p): NotificationPreferences | undefined => p.notifications,
      () => undefined,
    );
    const shown = candidates.filter((n) => !isMuted(n, prefs) && !this.onScreen(n.session));
    for (const n of shown) this.show(n);
    return shown;
  }

  /** Someone looking at this very session needs no notification. */
  private onScreen(id: string): boolean {
    return (
      document.hasFocus() &&
      !!document.querySelector(`[role="tab"][aria-selected="true"][data-session="${CSS.escape(id)}"]`)
    );
  }

  private show(n: Notice): void {
    const note = new Notification(n.title, { body: n.body, tag: `orchard-${n.session}` });
    note.onclick = () => {
      window.focus();
      this.focusTab(n.session);
      note.close();
    };
  }
}
