// The running desktop app: one engine and router, the main window and its IPC transport, the tray,
// notifications and the menu. Closing the window or quitting never stops an agent: they live in
// tmux; only "Stop All Sessions…" does, after asking.
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session } from 'electron';
import { join } from 'node:path';
import type { ServerMessage, ShellCommand, ShellSendMap, ShellSendName } from '../shared/api.ts';
import type { ApprovalDecision } from '../shared/approve.ts';
import type { NotificationPreferences, SessionInfo } from '../shared/model.ts';
import { createRouter, FleetMonitor, type Connection, type Router } from '../core/rpc/index.ts';
import { connectPassphrases } from '../core/rpc/passphrases.ts';
import type { Engine } from '../core/engine.ts';
import { AppStateStore } from './app-store.ts';
import { stopAllSessions } from './commands.ts';
import { createAppEngine } from './config-store.ts';
import { connectIpc, type IpcTransport } from './ipc-transport.ts';
import { appMenuTemplate } from './menu.ts';
import { FleetNotifier } from './notifications.ts';
import { SecretVault } from './secrets.ts';
import { appLocation, type AppLocation } from './security.ts';
import { SHELL_EVENT } from './shell-channels.ts';
import { TabMemory } from './tab-memory.ts';
import { FleetTray } from './tray.ts';
import { approve } from '../core/sessions/approve.ts';
import { createMainWindow, guardWebContents, secureSession } from './window.ts';

export class OrchardApp {
  readonly home: string;
  readonly state: AppStateStore;
  readonly vault: SecretVault;
  private readonly engine: Engine;
  /** Status, screen checks, stats and soft limits for every host, whether a window is open or not. */
  private readonly monitor: FleetMonitor;
  private readonly router: Router;
  private readonly location: AppLocation;
  private readonly load: { url: string } | { file: string };
  private readonly resources = join(app.getAppPath(), 'resources');
  private win: BrowserWindow | undefined;
  private transport: IpcTransport | undefined;
  private tray: FleetTray | undefined;
  private shellConn: Connection | undefined;
  private readonly notifier: FleetNotifier;
  private readonly tabs: TabMemory;
  private sessions: SessionInfo[] = [];
  /** preferences.notifications from the shared config, re-read as the fleet changes (the CLI may edit it). */
  private notifyPrefs: NotificationPreferences = {};
  private notifying: Promise<void> = Promise.resolve();

  constructor(home: string) {
    this.home = home;
    this.state = new AppStateStore({ cwd: home });
    // electron-store answers 'electron-store-get-data' for renderer-side stores; Orchard has none,
    // and the only IPC channel main listens on is the contract's (checked by ipc-guard.ts).
    ipcMain.removeAllListeners('electron-store-get-data');
    this.vault = new SecretVault(join(home, 'secrets.json'), safeStorage);
    this.engine = createAppEngine(home, this.vault);
    this.monitor = new FleetMonitor(this.engine).start();
    this.router = createRouter(this.engine, { monitor: this.monitor });
    // An encrypted SSH key not in ssh-agent: the window asks for its passphrase.
    connectPassphrases(this.router, this.engine);
    // The dev server only in development; a packaged app always loads its own files.
    const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
    const indexHtml = join(import.meta.dirname, '../renderer/index.html');
    this.location = appLocation(devUrl, indexHtml);
    this.load = devUrl ? { url: devUrl } : { file: indexHtml };
    this.notifier = new FleetNotifier({
      enabled: () => this.state.get().settings.notifications,
      prefs: () => this.notifyPrefs,
      openSession: (id) => this.openSession(id),
      approve: (id, decision, expect) => this.answer(id, decision, expect),
    });
    this.tabs = new TabMemory({
      state: this.state,
      list: () => this.engine.list(),
      push: (c) => this.command(c),
      note: (m) => {
        console.log(`[orchard] ${m}`);
        this.notifier.note(m);
      },
    });
  }

  start(): void {
    secureSession(session.defaultSession, this.location);
    // Every webContents, present and future, gets the navigation guards.
    app.on('web-contents-created', (_e, contents) => guardWebContents(contents, this.location));
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate({
          newSession: () => this.command({ kind: 'newSession' }),
          showDashboard: () => this.command({ kind: 'showDashboard' }),
          stopAllSessions: () => void this.stopAll(),
        }),
      ),
    );
    this.tray = new FleetTray(this.resources, {
      show: () => this.show(),
      openSession: (id) => this.openSession(id),
      quit: () => app.quit(),
      approve: (id, decision, expect) => this.answer(id, decision, expect),
    });
    this.watchFleet();
    this.show();
  }

  /** Tray and notification Approve / Deny: the `approve` request's operation; a refusal is a notice. */
  private answer(id: string, decision: ApprovalDecision, expect: string): void {
    void approve(this.engine, { id, decision, expect }).catch((e: unknown) =>
      this.notifier.note(`Not answered: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** The shell follows the fleet as one more router client: one monitor serves the window and the tray. */
  private watchFleet(): void {
    this.shellConn = this.router.connect({
      id: 'shell',
      send: (m: ServerMessage) => {
        if (m.t !== 'evt' || m.ch !== 'sessionsChanged') return;
        const sessions = (this.sessions = m.p as SessionInfo[]);
        this.tray?.update(sessions);
        // The mutes as they are now (the CLI or an editor may have changed them), then the notices;
        // in order, one list after the other, so a late read never feeds an older list.
        this.notifying = this.notifying
          .then(() => this.engine.store.read())
          .then(
            (c) => (this.notifyPrefs = c.preferences.notifications ?? {}),
            () => undefined, // an unreadable config is reported where it is used; keep the last prefs
          )
          .then(() => void this.notifier.update(sessions))
          .catch((e: unknown) => console.error('[orchard] notification failed:', e));
      },
    });
    void this.shellConn.handle({ t: 'send', ch: 'subscribe', p: { event: 'sessionsChanged' } });
  }

  /** Focus the window, creating it if it was closed (macOS keeps running without one). */
  show(): BrowserWindow {
    if (this.win && !this.win.isDestroyed()) {
      if (this.win.isMinimized()) this.win.restore();
      this.win.show();
      this.win.focus();
      return this.win;
    }
    const win = createMainWindow({
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      app: this.location,
      load: this.load,
      state: this.state,
      icon: join(this.resources, 'icon.png'),
    });
    this.win = win;
    this.transport = connectIpc({
      ipcMain,
      router: this.router,
      contents: win.webContents,
      app: this.location,
      onShellMessage: (ch, p) => this.onShellMessage(ch, p),
      onAccepted: () => this.tabs.pageSpoke(),
    });
    win.webContents.on('did-finish-load', () => this.tabs.pageLoaded());
    win.on('closed', () => {
      if (this.win === win) this.win = undefined;
    });
    return win;
  }

  private onShellMessage(ch: ShellSendName, p: unknown): void {
    if (ch === 'tabsChanged') {
      const t = p as ShellSendMap['tabsChanged'];
      this.tabs.tabsChanged(t.open, t.active);
    }
  }

  private command(c: ShellCommand): void {
    this.transport?.push({ t: 'evt', ch: SHELL_EVENT, p: c });
  }

  openSession(id: string): void {
    this.show();
    this.command({ kind: 'openSession', id });
  }

  private async stopAll(): Promise<void> {
    const result = await stopAllSessions({
      list: () => this.engine.list(),
      kill: (id) => {
        this.monitor.expectGone(id); // not "stopped: tmux server exited" when the last one goes
        return this.engine.kill(id);
      },
      confirm: async (sessions) => {
        const opts = {
          type: 'warning' as const,
          buttons: ['Stop All', 'Cancel'],
          defaultId: 1,
          cancelId: 1,
          message: `Stop all ${sessions.length} session${sessions.length === 1 ? '' : 's'}?`,
          detail:
            'Every agent is stopped and its tmux session closed. Worktrees and branches stay as they are.',
        };
        const r = this.win ? await dialog.showMessageBox(this.win, opts) : await dialog.showMessageBox(opts);
        return r.response === 0;
      },
    });
    if (result.failed.length)
      dialog.showErrorBox(
        'Some sessions could not be stopped',
        result.failed.map((f) => `${f.id}: ${f.message}`).join('\n'),
      );
  }

  /** Quit: close the window's terminals (tmux attach clients) and connections; agents keep running. */
  dispose(): void {
    this.transport?.dispose();
    this.shellConn?.dispose();
    this.router.dispose();
    this.monitor.dispose();
    this.tray?.dispose();
    this.engine.dispose();
  }
}
