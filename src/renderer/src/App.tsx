// The window: top bar, sidebar, and the main area (terminal tabs, the session grid, the dashboard).
import { useEffect, useMemo, useState } from 'react';
import type { OrchardApi } from '../../shared/api.ts';
import { Dialogs } from './components/Dialogs.tsx';
import { DashboardSlot } from './components/DashboardSlot.tsx';
import { Notices } from './components/Notices.tsx';
import { PassphrasePrompt } from './components/PassphraseDialog.tsx';
import { ResumeAllBanner } from './components/Revive.tsx';
import { SessionGrid } from './components/SessionGrid.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { Splitter, useSidebarWidth } from './components/Splitter.tsx';
import { TerminalsView } from './components/TerminalsView.tsx';
import { TopBar } from './components/TopBar.tsx';
import { shortcutOf } from './keyboard.ts';
import { BrowserNotifier, canNotify } from './notify.ts';
import { StoreContext, useAppState } from './state/context.tsx';
import { Store } from './state/store.ts';
import { useDiskSizes } from './state/disk.ts';
import { cycle } from './state/tabs.ts';
import { TerminalRegistry } from './terminal/registry.ts';
import { PhoneWindow } from './phone/PhoneApp.tsx';
import { usePhone } from './phone/usePhone.ts';

export function App({ api }: { api: OrchardApi }) {
  const store = useMemo(() => new Store(api), [api]);
  useEffect(() => {
    void store.start();
    return () => store.stop();
  }, [store]);
  const phone = usePhone();
  return (
    <StoreContext.Provider value={store}>
      {phone ? <PhoneWindow api={api} store={store} /> : <Window api={api} store={store} />}
    </StoreContext.Provider>
  );
}

function Window({ api, store }: { api: OrchardApi; store: Store }) {
  const s = useAppState();
  const disk = useDiskSizes(api, s.view === 'grid');
  const registry = useMemo(() => new TerminalRegistry(api), [api]);
  const [searchSignal, setSearchSignal] = useState(0);
  const [sidebarWidth, setSidebarWidth] = useSidebarWidth();
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() =>
    canNotify() ? Notification.permission : 'unsupported',
  );

  useEffect(() => {
    document.documentElement.dataset.theme = s.theme;
  }, [s.theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = shortcutOf(e);
      if (!k) return;
      const st = store.getState();
      // A modal dialog owns the keyboard: no tab switching or second dialog behind it.
      if (st.dialog) return;
      e.preventDefault();
      if (k.kind === 'tab') {
        const id = st.tabs[k.index];
        if (id) store.selectTab(id);
      } else if (k.kind === 'cycle') {
        const id = cycle(st.tabs, st.active, k.step);
        if (id) store.selectTab(id);
      } else if (k.kind === 'new-session') store.openDialog({ kind: 'new' });
      else if (k.kind === 'search' && st.view === 'terminals' && st.active) setSearchSignal((n) => n + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  useEffect(() => {
    if (!canNotify()) return;
    const notifier = new BrowserNotifier(api, (id) => store.openTab(id));
    return api.on('sessionsChanged', (list) => void notifier.update(list));
  }, [api, store]);

  const waiting = s.sessions.filter((x) => x.state === 'waiting').length;
  useEffect(() => {
    // Visible in the browser's tab strip and the OS task switcher.
    document.title = waiting ? `Orchard (${waiting} waiting)` : 'Orchard';
  }, [waiting]);

  return (
    <div className="app">
      <TopBar
        view={s.view}
        counts={{ sessions: s.sessions.length, waiting }}
        theme={s.theme}
        connected={s.connected}
        stale={!!s.stale}
        stopped={!!s.stopped}
        notifications={permission}
        onView={(v) => store.setView(v)}
        onNewSession={() => store.openDialog({ kind: 'new' })}
        onTheme={(t) => store.setTheme(t)}
        onEnableNotifications={() => void Notification.requestPermission().then(setPermission)}
      />
      <div className="body">
        <Sidebar
          width={sidebarWidth}
          hosts={s.hosts}
          repos={s.repos}
          branches={s.branches}
          sessions={s.sessions}
          onExpandRepo={(repo) => {
            if (!s.branches[repo]) void store.loadBranches(repo);
          }}
          onActivateBranch={(ref, existing) => void store.activateBranch(ref, existing)}
          onAddRepo={(host) => store.openDialog({ kind: 'addRepo', host })}
          onAddHost={() => store.openDialog({ kind: 'addHost' })}
          onOpenHost={(name) => store.openDialog({ kind: 'host', name })}
          onRefresh={() => void store.refresh()}
        />
        <Splitter width={sidebarWidth} onWidth={setSidebarWidth} />
        <main className="main">
          <Notices errors={s.errors} onDismiss={(id) => store.dismissError(id)} />
          <ResumeAllBanner sessions={s.sessions} onResumeAll={(host) => store.resumeAll(host)} />
          <TerminalsView
            api={api}
            registry={registry}
            state={s}
            store={store}
            hidden={s.view !== 'terminals'}
            searchSignal={searchSignal}
          />
          {s.view === 'grid' && (
            <SessionGrid
              sessions={s.sessions}
              openTabs={s.tabs}
              onOpen={(id) => store.openTab(id)}
              onTerminate={(id) => store.openDialog({ kind: 'terminate', id })}
              onNewSession={() => store.openDialog({ kind: 'new' })}
              onOpenPort={(id, port) => void store.openPort(id, port)}
              onRevive={(id, how) => store.revive(id, how)}
              disk={disk}
              onSetupAction={(id, action) => void store.setupAction(id, action)}
            />
          )}
          {s.view === 'dashboard' && (
            <section className="dashboard-view" aria-label="Dashboard">
              <DashboardSlot api={api} sessions={s.sessions} onOpenSession={(id) => store.openTab(id)} />
            </section>
          )}
        </main>
      </div>
      <Dialogs state={s} store={store} />
      <PassphrasePrompt api={api} />
    </div>
  );
}
