// The window's security policy as pure decisions (no electron import), so each rule is unit-tested
// and window.ts only wires them to Electron's hooks. Electron's checklist:
// https://www.electronjs.org/docs/latest/tutorial/security
import { fileURLToPath } from 'node:url';

/** webPreferences for every Orchard window: the renderer gets the contract bridge and nothing else. */
export function hardenedWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  } as const;
}

/**
 * The header CSP for the app's own pages. Same directives as the meta CSP in
 * src/renderer/index.html (a test keeps them in step), tightened where the desktop app needs less
 * than browser mode: no WebSocket (IPC instead), no plugins, no <base>, no forms, never framed.
 * Both policies apply, so the stricter one wins wherever they differ.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Development only (`npm run dev`, never a packaged app): the Vite dev server puts React Refresh's
 * inline preamble before the page's meta CSP, and talks HMR over a WebSocket to its own origin.
 */
export const DEV_CSP = APP_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");

/** The header CSP for the app's page at this location. */
export function cspFor(app: AppLocation): string {
  return app.kind === 'http' ? DEV_CSP : APP_CSP;
}

/** Where the app's own page lives: the built file, or the dev server (electron-vite dev). */
export type AppLocation = { kind: 'file'; path: string } | { kind: 'http'; origin: string };

export function appLocation(rendererUrl: string | undefined, indexHtml: string): AppLocation {
  if (rendererUrl) return { kind: 'http', origin: new URL(rendererUrl).origin };
  return { kind: 'file', path: indexHtml };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Is `url` the app's own page (any hash or query)? */
export function isAppUrl(url: string, app: AppLocation): boolean {
  const u = parse(url);
  if (!u) return false;
  if (app.kind === 'http')
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === app.origin;
  if (u.protocol !== 'file:' || u.host !== '') return false;
  try {
    return fileURLToPath(u) === app.path;
  } catch {
    return false;
  }
}

/** Only plain web links leave the app, and only to the system browser. */
export function isExternalWebUrl(url: string): boolean {
  const u = parse(url);
  return !!u && (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
}

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

/** `will-navigate` / `will-redirect`: stay on the app's page; web links go to the browser; the rest is refused. */
export function navigationDecision(url: string, app: AppLocation): NavigationDecision {
  if (isAppUrl(url, app)) return 'allow';
  return isExternalWebUrl(url) ? 'open-external' : 'deny';
}

/** `setWindowOpenHandler`: Orchard never opens a second Electron window from the page. */
export function windowOpenDecision(url: string): Exclude<NavigationDecision, 'allow'> {
  return isExternalWebUrl(url) ? 'open-external' : 'deny';
}

/** Permission requests: only notifications (the renderer may show its own); camera, mic, etc. never. */
export function permissionAllowed(permission: string): boolean {
  return permission === 'notifications';
}
