// Views (terminals, all sessions, dashboard), new session, notifications and theme.
import type { View } from '../state/store.ts';
import type { Theme } from '../state/prefs.ts';
import { BellIcon, MoonIcon, SunIcon } from './icons.tsx';

export interface TopBarProps {
  view: View;
  counts: { sessions: number; waiting: number };
  theme: Theme;
  connected: boolean;
  stale?: boolean;
  /** Nothing answers at the page's origin any more. */
  stopped?: boolean;
  notifications: 'unsupported' | NotificationPermission;
  onView: (v: View) => void;
  onNewSession: () => void;
  onTheme: (t: Theme) => void;
  onEnableNotifications: () => void;
}

const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'terminals', label: 'Terminals' },
  { id: 'grid', label: 'Sessions' },
  { id: 'dashboard', label: 'Dashboard' },
];

export function TopBar(p: TopBarProps) {
  return (
    <header className="topbar">
      <div className="brand" aria-label="Orchard">
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <circle cx="8" cy="6" r="5" fill="var(--accent)" />
          <rect x="7.2" y="9" width="1.6" height="6" rx="0.8" fill="var(--muted)" />
        </svg>
        <span>Orchard</span>
      </div>
      <nav className="views" aria-label="Views">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            className={p.view === v.id ? 'view-btn active' : 'view-btn'}
            aria-pressed={p.view === v.id}
            onClick={() => p.onView(v.id)}
          >
            {v.label}
            {v.id === 'grid' && <span className="count">{p.counts.sessions}</span>}
            {v.id === 'grid' && p.counts.waiting > 0 && (
              <span className="count waiting" title={`${p.counts.waiting} waiting`}>
                {p.counts.waiting} waiting
              </span>
            )}
          </button>
        ))}
      </nav>
      <span className="spacer" />
      {!p.connected && (
        <span className="conn-lost" role="status">
          {p.stale
            ? 'orchard web was restarted: open the new URL it printed'
            : p.stopped
              ? 'this orchard web has stopped; open the URL it prints'
              : 'Reconnecting…'}
        </span>
      )}
      <button
        type="button"
        className="btn primary small"
        onClick={p.onNewSession}
        title="New session (Ctrl+Shift+T)"
      >
        New session
      </button>
      {p.notifications === 'default' && (
        <button
          type="button"
          className="icon-btn"
          aria-label="Enable notifications"
          title="Notify me when a session waits or exits"
          onClick={p.onEnableNotifications}
        >
          <BellIcon />
        </button>
      )}
      <button
        type="button"
        className="icon-btn"
        aria-label={p.theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
        title="Toggle theme"
        onClick={() => p.onTheme(p.theme === 'dark' ? 'light' : 'dark')}
      >
        {p.theme === 'dark' ? <SunIcon /> : <MoonIcon />}
      </button>
    </header>
  );
}
