// The main window: hardened, restored where it was, and unable to navigate away from Orchard.
import { BrowserWindow, screen, shell, type Session, type WebContents } from 'electron';
import type { Bounds } from './app-state.ts';
import type { AppStateStore } from './app-store.ts';
import {
  cspFor,
  hardenedWebPreferences,
  isAppUrl,
  navigationDecision,
  permissionAllowed,
  windowOpenDecision,
  type AppLocation,
} from './security.ts';

export interface MainWindowOptions {
  preload: string;
  app: AppLocation;
  /** The page to load: the dev server URL or the built index.html. */
  load: { url: string } | { file: string };
  state: AppStateStore;
  icon?: string;
}

/** Saved bounds are used only if enough of them is on a screen that exists now. */
export function visibleBounds(b: Bounds | null, workAreas: Bounds[]): Bounds | null {
  if (!b) return null;
  const onScreen = workAreas.some((a) => {
    const w = Math.min(b.x + b.width, a.x + a.width) - Math.max(b.x, a.x);
    const h = Math.min(b.y + b.height, a.y + a.height) - Math.max(b.y, a.y);
    return w >= 100 && h >= 50;
  });
  return onScreen ? b : null;
}

function openExternal(url: string): void {
  void shell.openExternal(url).catch((e: unknown) => console.error('[orchard] cannot open', url, e));
}

const guarded = new WeakSet<object>();

/**
 * Navigation guards for one webContents. Idempotent: the main window's contents get them both from
 * createMainWindow and from the app-wide 'web-contents-created' hook, and a link must open once.
 */
export function guardWebContents(contents: WebContents, app: AppLocation): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'open-external') openExternal(url);
    return { action: 'deny' };
  });
  const onNavigate = (event: { preventDefault(): void }, url: string) => {
    const decision = navigationDecision(url, app);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openExternal(url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Session-wide: the CSP header on the app's own responses, and permissions (notifications only).
 * For the built page (file://) the meta CSP in index.html applies in any case; whether webRequest
 * also reaches file:// loads has varied between Electron versions (reported to work in 41, not in
 * old ones), so the header is a second, stricter layer there, and the only one for the dev server.
 */
export function secureSession(ses: Session, app: AppLocation): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, app)) return callback({});
    const headers = { ...details.responseHeaders };
    for (const k of Object.keys(headers))
      if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [cspFor(app)] } });
  });
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionAllowed(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const saved = opts.state.get().window;
  const bounds = visibleBounds(
    saved.bounds,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 640,
    minHeight: 400,
    ...(bounds ?? {}),
    show: false,
    title: 'Orchard',
    backgroundColor: '#1e1e1e',
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: hardenedWebPreferences(opts.preload),
  });
  guardWebContents(win.webContents, opts.app);
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  // A crashed or killed renderer: load the page again (terminals re-attach; agents never noticed).
  win.webContents.on('render-process-gone', (_e, details) => {
    console.error(`[orchard] renderer gone (${details.reason}); reloading`);
    if (details.reason !== 'clean-exit' && !win.isDestroyed()) win.webContents.reload();
  });
  rememberBounds(win, opts.state);
  if ('url' in opts.load) void win.loadURL(opts.load.url);
  else void win.loadFile(opts.load.file);
  return win;
}

function rememberBounds(win: BrowserWindow, state: AppStateStore): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    if (win.isDestroyed()) return;
    // getNormalBounds: the size to come back to, even when closed maximized.
    state.setWindow(win.getNormalBounds(), win.isMaximized());
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  for (const ev of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(ev as 'resize', later);
  win.on('close', () => {
    if (timer) clearTimeout(timer);
    save();
  });
}
