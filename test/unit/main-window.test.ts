// The main window's lock-down: webPreferences, navigation and window-open guards, CSP, permissions.
// `electron` is stubbed: the Electron binary is not available on this machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  windows: [] as { opts: Record<string, unknown>; handlers: Map<string, (...a: unknown[]) => void> }[],
  openExternal: vi.fn(async (_url: string) => {}),
}));

vi.mock('electron', () => {
  class FakeWebContents {
    readonly listeners = new Map<string, ((...a: unknown[]) => void)[]>();
    openHandler: ((d: { url: string }) => { action: string }) | undefined;
    setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
      this.openHandler = fn;
    }
    on(ev: string, fn: (...a: unknown[]) => void) {
      this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), fn]);
      return this;
    }
  }
  class BrowserWindow {
    readonly webContents = new FakeWebContents();
    readonly handlers = new Map<string, (...a: unknown[]) => void>();
    constructor(opts: Record<string, unknown>) {
      h.windows.push({ opts, handlers: this.handlers });
    }
    on(ev: string, fn: (...a: unknown[]) => void) {
      this.handlers.set(ev, fn);
      return this;
    }
    once = this.on;
    maximize() {}
    loadURL = vi.fn(async () => {});
    loadFile = vi.fn(async () => {});
  }
  const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
  return { BrowserWindow, screen, shell: { openExternal: h.openExternal } };
});

const { createMainWindow, guardWebContents, secureSession, visibleBounds } =
  await import('../../src/main/window.ts');
const { APP_CSP, cspFor, hardenedWebPreferences, permissionAllowed } =
  await import('../../src/main/security.ts');

const APP = { kind: 'file' as const, path: '/opt/Orchard/resources/app.asar/out/renderer/index.html' };
const APP_URL = 'file:///opt/Orchard/resources/app.asar/out/renderer/index.html';

function fakeState(bounds: unknown = null, maximized = false) {
  return { get: () => ({ window: { bounds, maximized } }), setWindow: vi.fn() } as never;
}

beforeEach(() => {
  h.windows.length = 0;
  h.openExternal.mockClear();
});

describe('main window', () => {
  it('is created with the hardened webPreferences and the CommonJS preload', () => {
    createMainWindow({
      preload: '/x/out/preload/index.cjs',
      app: APP,
      load: { file: APP.path },
      state: fakeState(),
    });
    const prefs = h.windows[0]!.opts.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/x/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs).toEqual(hardenedWebPreferences('/x/out/preload/index.cjs'));
  });

  it('restores saved bounds only when they are on a screen', () => {
    const b = { x: 100, y: 80, width: 1000, height: 700 };
    createMainWindow({ preload: 'p', app: APP, load: { file: APP.path }, state: fakeState(b) });
    expect(h.windows[0]!.opts).toMatchObject(b);
    const off = { x: 5000, y: 5000, width: 1000, height: 700 };
    expect(visibleBounds(off, [{ x: 0, y: 0, width: 1920, height: 1080 }])).toBeNull();
    createMainWindow({ preload: 'p', app: APP, load: { file: APP.path }, state: fakeState(off) });
    expect(h.windows[1]!.opts).toMatchObject({ width: 1280, height: 800 });
    expect(h.windows[1]!.opts.x).toBeUndefined();
  });
});

type Contents = Parameters<typeof guardWebContents>[0] & {
  listeners: Map<string, ((...a: unknown[]) => void)[]>;
  openHandler: (d: { url: string }) => { action: string };
};

class FakeContents {
  listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  openHandler!: (d: { url: string }) => { action: string };
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
    this.openHandler = fn;
  }
  on(ev: string, fn: (...a: unknown[]) => void) {
    this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), fn]);
    return this;
  }
}

function guarded(app: Parameters<typeof guardWebContents>[1] = APP): Contents {
  const contents = new FakeContents();
  guardWebContents(contents as never, app);
  return contents as unknown as Contents;
}

function navigate(c: Contents, ev: string, url: string): boolean {
  let prevented = false;
  for (const fn of c.listeners.get(ev) ?? []) fn({ preventDefault: () => (prevented = true) }, url);
  return prevented;
}

const HOSTILE = [
  'file:///etc/passwd',
  'file:///opt/Orchard/resources/app.asar/out/renderer/other.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox',
  'about:blank',
  'blob:https://example.com/1234',
  'ftp://example.com/x',
  'smb://server/share',
  'ms-settings:privacy',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'mailto:someone@example.com',
  'orchard://x',
  'not a url',
  '',
  'http://',
];

describe('navigation and window-open guards', () => {
  it('window.open never opens an Electron window; http(s) goes to the system browser', () => {
    const c = guarded();
    for (const url of ['https://github.com/x/y', 'http://localhost:3000/']) {
      expect(c.openHandler({ url })).toEqual({ action: 'deny' });
      expect(h.openExternal).toHaveBeenLastCalledWith(url);
    }
    h.openExternal.mockClear();
    for (const url of HOSTILE) expect(c.openHandler({ url })).toEqual({ action: 'deny' });
    expect(h.openExternal).not.toHaveBeenCalled();
  });

  it('will-navigate / will-redirect: the app page stays, web links open outside, the rest is refused', () => {
    const c = guarded();
    for (const ev of ['will-navigate', 'will-redirect']) {
      expect(navigate(c, ev, APP_URL)).toBe(false);
      expect(navigate(c, ev, `${APP_URL}#/session/abc`)).toBe(false);
      h.openExternal.mockClear();
      expect(navigate(c, ev, 'https://example.com/')).toBe(true);
      expect(h.openExternal).toHaveBeenCalledWith('https://example.com/');
      h.openExternal.mockClear();
      for (const url of HOSTILE) expect(navigate(c, ev, url), url).toBe(true);
      expect(h.openExternal).not.toHaveBeenCalled();
    }
  });

  it('guards once even when asked twice (window creation and the app-wide hook)', () => {
    const c = guarded();
    guardWebContents(c as never, APP);
    expect(c.listeners.get('will-navigate')).toHaveLength(1);
    expect(navigate(c, 'will-navigate', 'https://example.com/')).toBe(true);
    expect(h.openExternal).toHaveBeenCalledTimes(1);
  });

  it('refuses to attach <webview>', () => {
    const c = guarded();
    let prevented = false;
    for (const fn of c.listeners.get('will-attach-webview') ?? [])
      fn({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('with a dev server, only its origin is the app', () => {
    const dev = { kind: 'http' as const, origin: 'http://localhost:5173' };
    const c2 = guarded(dev);
    const nav = (url: string) => navigate(c2, 'will-navigate', url);
    expect(nav('http://localhost:5173/')).toBe(false);
    expect(nav('http://localhost:5174/')).toBe(true);
    expect(nav(APP_URL)).toBe(true);
  });
});

describe('session policy', () => {
  function fakeSession() {
    const s = {
      headers: undefined as undefined | ((d: unknown, cb: (r: unknown) => void) => void),
      request: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
      check: undefined as undefined | ((wc: unknown, p: string) => boolean),
      webRequest: { onHeadersReceived: (fn: never) => (s.headers = fn) },
      setPermissionRequestHandler: (fn: never) => (s.request = fn),
      setPermissionCheckHandler: (fn: never) => (s.check = fn),
    };
    secureSession(s as never, APP);
    return s;
  }

  it('sets the strict CSP header on the app page and leaves other responses alone', () => {
    const s = fakeSession();
    let out: unknown;
    s.headers!(
      { url: APP_URL, responseHeaders: { 'content-security-policy': ['default-src *'], 'x-a': ['1'] } },
      (r) => (out = r),
    );
    expect(out).toEqual({ responseHeaders: { 'x-a': ['1'], 'Content-Security-Policy': [APP_CSP] } });
    s.headers!({ url: 'https://example.com/', responseHeaders: {} }, (r) => (out = r));
    expect(out).toEqual({});
  });

  it('relaxes script-src only for the dev server (React Refresh preamble), never for the built page', () => {
    const parse = (csp: string) => Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d]));
    const built = parse(cspFor({ kind: 'file', path: '/x/index.html' }));
    const dev = parse(cspFor({ kind: 'http', origin: 'http://localhost:5173' }));
    expect(built['script-src']).toBe("script-src 'self'");
    expect(dev['script-src']).toBe("script-src 'self' 'unsafe-inline'");
    expect({ ...dev, 'script-src': '' }).toEqual({ ...built, 'script-src': '' });
  });

  it('the header CSP is at least as strict as the meta CSP in index.html', () => {
    const html = readFileSync(join(import.meta.dirname, '../../src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const directives = (csp: string) =>
      new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([k, ...v]) => [k!, v]),
      );
    const m = directives(meta!);
    const hdr = directives(APP_CSP);
    for (const [name, sources] of hdr) {
      const metaSources = m.get(name) ?? m.get('default-src')!;
      // every source the header allows, the meta allows too (or the header allows nothing)
      for (const src of sources) if (src !== "'none'") expect(metaSources, `${name} ${src}`).toContain(src);
    }
    for (const name of ['default-src', 'script-src', 'style-src', 'img-src'])
      expect(hdr.get(name)).toEqual(m.get(name));
    expect(hdr.get('script-src')).toEqual(["'self'"]);
  });

  it('denies every permission but notifications', () => {
    const s = fakeSession();
    const asked: [string, boolean][] = [];
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'hid', 'usb', 'notifications'])
      s.request!(null, p, (ok) => asked.push([p, ok]));
    expect(asked.filter(([, ok]) => ok).map(([p]) => p)).toEqual(['notifications']);
    expect(s.check!(null, 'media')).toBe(false);
    expect(s.check!(null, 'notifications')).toBe(true);
    expect(permissionAllowed('fullscreen')).toBe(false);
  });
});
