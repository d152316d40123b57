// Browser mode only (the Electron shell sends native notifications itself): a Web Notification when
// a session starts waiting or exits; clicking it focuses the window and the session's tab.
import type { SessionStateEvent } from '../../shared/api.ts';
import type { SessionInfo } from '../../shared/model.ts';

export const isBrowserMode = (): boolean => typeof window !== 'undefined' && !('orchard' in window);

export function notificationText(s: SessionInfo): string | null {
  const where = s.host === 'local' ? s.branch : `${s.branch} on ${s.host}`;
  if (s.state === 'waiting') {
    if (s.reason === 'permission') return `${where} wants permission${s.detail ? ` to ${s.detail}` : ''}`;
    return `${where} is waiting${s.detail ? `: ${s.detail}` : s.reason ? ` for ${s.reason}` : ''}`;
  }
  if (s.state === 'exited')
    return `${where} exited${s.exitCode !== undefined ? ` (code ${s.exitCode})` : ''}`;
  return null;
}

export function canNotify(): boolean {
  return isBrowserMode() && typeof Notification !== 'undefined';
}

export function notifyTransition(e: SessionStateEvent, focusTab: (id: string) => void): void {
  if (!canNotify() || Notification.permission !== 'granted' || e.from === null || e.from === e.to) return;
  const text = notificationText(e.session);
  if (!text) return;
  // Someone looking at this very session needs no notification.
  if (
    document.hasFocus() &&
    document.querySelector(`[role="tab"][aria-selected="true"][data-session="${e.id}"]`)
  )
    return;
  const n = new Notification('Orchard', { body: text, tag: `orchard-${e.id}` });
  n.onclick = () => {
    window.focus();
    focusTab(e.id);
    n.close();
  };
}
