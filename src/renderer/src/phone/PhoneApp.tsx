// Browser mode on a phone (390×844, touch): the sessions with their state and why as the home view,
// tap → the session full screen (terminal, key bar, Approve / Deny). The sidebar (repos, branches,
// hosts) is a drawer. Nothing is wider than the screen: long names are cut, rows wrap.
import { useEffect, useMemo, useState } from 'react';
import type { OrchardApi } from '../../../shared/api.ts';
import { sessionLabel } from '../../../shared/fleet.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { Dialogs } from '../components/Dialogs.tsx';
import { PassphrasePrompt } from '../components/PassphraseDialog.tsx';
import { Sidebar } from '../components/Sidebar.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { ApproveButtons } from '../approve/ApproveButtons.tsx';
import { BrowserNotifier, canNotify } from '../notify.ts';
import { useAppState } from '../state/context.tsx';
import type { Store } from '../state/store.ts';
import { TerminalRegistry } from '../terminal/registry.ts';
import { PhoneTerminal } from './PhoneTerminal.tsx';
import './phone.css';

/** Waiting first (they need the user), then working, then the rest; oldest first within each. */
const RANK: Record<string, number> = { waiting: 0, working: 1, starting: 2, idle: 3 };
const rank = (s: SessionInfo) => RANK[s.state] ?? 4;

export function why(s: SessionInfo): string {
  if (s.state === 'waiting') return [s.reason, s.detail].filter(Boolean).join(': ');
  if (s.state === 'exited') return s.reason ?? (s.exitCode !== undefined ? `exit code ${s.exitCode}` : '');
  return s.state === 'unreachable' ? (s.detail ?? '') : '';
}

export function PhoneWindow({ api, store }: { api: OrchardApi; store: Store }) {
  const s = useAppState();
  const registry = useMemo(() => new TerminalRegistry(api), [api]);
  const [open, setOpen] = useState<string | null>(null);
  const [drawer, setDrawer] = useState(false);
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() =>
    canNotify() ? Notification.permission : 'unsupported',
  );

  useEffect(() => {
    document.documentElement.dataset.theme = s.theme;
  }, [s.theme]);
  useEffect(() => {
    if (!canNotify()) return;
    const notifier = new BrowserNotifier(api, (id) => setOpen(id));
    return api.on('sessionsChanged', (list) => void notifier.update(list));
  }, [api]);
  // A branch activated in the drawer (spawned or existing) opens full screen.
  useEffect(() => {
    if (s.active) setOpen(s.active);
  }, [s.active]);

  const sessions = [...s.sessions].sort((a, b) => rank(a) - rank(b));
  const shown = open ? s.sessions.find((x) => x.id === open) : undefined;
  const waiting = s.sessions.filter((x) => x.state === 'waiting').length;

  return (
    <div className="phone">
      {shown ? (
        <PhoneTerminal
          key={shown.id}
          api={api}
          registry={registry}
          session={shown}
          theme={s.theme}
          onBack={() => setOpen(null)}
        />
      ) : (
        <>
          <header className="phone-head">
            <button
              type="button"
              className="btn small"
              aria-label="Repositories"
              onClick={() => setDrawer(true)}
            >
              ☰
            </button>
            <span className="phone-title">Orchard{waiting ? ` · ${waiting} waiting` : ''}</span>
            {!s.connected && <span className="muted">offline</span>}
            {permission === 'default' && (
              <button
                type="button"
                className="btn small"
                onClick={() => void Notification.requestPermission().then(setPermission)}
              >
                Notify me
              </button>
            )}
            <button
              type="button"
              className="btn small primary"
              onClick={() => store.openDialog({ kind: 'new' })}
            >
              New
            </button>
          </header>
          <ul className="phone-list" aria-label="Sessions">
            {sessions.length === 0 && <li className="muted phone-empty">No sessions yet.</li>}
            {sessions.map((x) => (
              <li key={x.id} className={`phone-item state-row-${x.state}`}>
                <button
                  type="button"
                  className="phone-open"
                  aria-label={`Open ${x.branch}`}
                  onClick={() => setOpen(x.id)}
                >
                  <span className="phone-item-top">
                    <span className="phone-branch ellipsis">{x.branch}</span>
                    <StateBadge session={x} />
                  </span>
                  <span className="phone-sub ellipsis">
                    {sessionLabel(x)} · {x.host}
                  </span>
                  {why(x) && <span className="phone-reason">{why(x)}</span>}
                </button>
                <ApproveButtons session={x} compact />
              </li>
            ))}
          </ul>
        </>
      )}
      {drawer && (
        <div
          className="phone-drawer"
          role="dialog"
          aria-label="Repositories"
          onClick={() => setDrawer(false)}
        >
          <div className="phone-drawer-panel" onClick={(e) => e.stopPropagation()}>
            <button type="button" className="btn small" onClick={() => setDrawer(false)}>
              Close
            </button>
            <Sidebar
              hosts={s.hosts}
              repos={s.repos}
              branches={s.branches}
              sessions={s.sessions}
              onExpandRepo={(repo) => {
                if (!s.branches[repo]) void store.loadBranches(repo);
              }}
              onActivateBranch={(ref, existing) => {
                setDrawer(false);
                void store.activateBranch(ref, existing);
              }}
              onAddRepo={(host) => store.openDialog({ kind: 'addRepo', host })}
              onAddHost={() => store.openDialog({ kind: 'addHost' })}
              onOpenHost={(name) => store.openDialog({ kind: 'host', name })}
              onRefresh={() => void store.refresh()}
            />
          </div>
        </div>
      )}
      <Dialogs state={s} store={store} />
      <PassphrasePrompt api={api} />
    </div>
  );
}
