#!/usr/bin/env node
// Boots the BUILT main process (out/main/index.js) under plain Node with a stand-in `electron`
// module, against a real tmux session made by the real CLI, and drives it like a window would.
// For machines where the Electron binary cannot run: it checks the bundle loads (ESM imports,
// externals, electron-store), the IPC path to the router and engine, tab restore, the tray, and that
// quitting leaves the agent running. It is NOT a launch of Electron: no Chromium, no real window.
//   npx electron-vite build && node scripts/smoke-main.mjs
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'out/main/index.js');
if (!existsSync(MAIN)) throw new Error('build first: npx electron-vite build');

const dir = mkdtempSync(join(tmpdir(), 'orchard-smoke-'));
const home = join(dir, 'home');
const socket = `orchard-smoke-${process.pid}`;
Object.assign(process.env, { ORCHARD_HOME: home, ORCHARD_TMUX_SOCKET: socket });
const results = [];
const check = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
};
const waitFor = async (what, fn, ms = 15000) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

// --- a real session, made by the real CLI -------------------------------------------------------
const cli = (...args) =>
  execFileSync(process.execPath, [join(ROOT, 'bin/orchard.js'), ...args], { encoding: 'utf8' });
const repo = join(dir, 'repo');
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
};
execFileSync('git', ['init', '-q', '-b', 'main', repo]);
execFileSync('git', ['-C', repo, 'commit', '-q', '--allow-empty', '-m', 'init'], { env: gitEnv });
cli('repo', 'add', repo, '--name', 'smoke');
const spawned = JSON.parse(
  cli('spawn', 'smoke', 'feat', '--new', '--command', 'echo smoke-ready; sleep 300', '--json'),
);
// The app remembers a tab for it and one for a session that no longer exists.
mkdirSync(home, { recursive: true });
writeFileSync(
  join(home, 'app-state.json'),
  JSON.stringify({ openTabs: [spawned.id, 'deadbeef'], activeTab: 'deadbeef', notify: true }), // version 1
);

// --- the stand-in electron ----------------------------------------------------------------------
const rec = { windows: [], tray: null, handlers: new Map(), menu: null, quitting: false };
const ipcMain = new EventEmitter();
class Emitterish extends EventEmitter {}
let ids = 1;
class WebContents extends Emitterish {
  id = ids++;
  sent = [];
  mainFrame = { url: '', parent: null };
  setWindowOpenHandler(fn) {
    this.openHandler = fn;
  }
  isDestroyed = () => false;
  send(_ch, m) {
    this.sent.push(m);
  }
  reload() {}
}
class BrowserWindow extends Emitterish {
  webContents = new WebContents();
  constructor(opts) {
    super();
    this.opts = opts;
    rec.windows.push(this);
  }
  async loadFile(f) {
    this.webContents.mainFrame.url = pathToFileURL(f).href;
  }
  async loadURL(u) {
    this.webContents.mainFrame.url = u;
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  isMaximized = () => false;
  getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 800 });
  show() {}
  focus() {}
  restore() {}
  maximize() {}
}
class Tray extends Emitterish {
  constructor(img) {
    super();
    rec.tray = { image: img.path, tooltip: '' };
  }
  setImage(img) {
    rec.tray.image = img.path;
  }
  setToolTip(t) {
    rec.tray.tooltip = t;
  }
  setTitle() {}
  setContextMenu() {}
  destroy() {}
}
class Notification extends Emitterish {
  static isSupported = () => false;
  show() {}
}
const paths = new Map();
globalThis.__orchardSmokeElectron = {
  app: {
    setName() {},
    enableSandbox() {},
    setPath: (k, v) => paths.set(k, v),
    getPath: (k) => paths.get(k) ?? dir,
    getVersion: () => '0.0.0-smoke',
    getAppPath: () => ROOT,
    isPackaged: true,
    requestSingleInstanceLock: () => true,
    on: (ev, fn) => rec.handlers.set(ev, fn),
    whenReady: () => Promise.resolve(),
    quit: () => rec.handlers.get('before-quit')?.(),
    exit: (c) => {
      throw new Error(`app.exit(${c})`);
    },
  },
  BrowserWindow,
  Tray,
  Notification,
  ipcMain,
  Menu: { buildFromTemplate: (t) => ({ template: t }), setApplicationMenu: (m) => (rec.menu = m.template) },
  nativeImage: { createFromPath: (p) => ({ path: p }) },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  shell: { openExternal: async () => {}, openPath: async () => '' },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: () => {} },
      setPermissionRequestHandler: () => {},
      setPermissionCheckHandler: () => {},
    },
  },
  dialog: { showMessageBox: async () => ({ response: 1 }), showErrorBox: () => {} },
  safeStorage: { isEncryptionAvailable: () => false },
};
const names = Object.keys(globalThis.__orchardSmokeElectron);
const STUB = `data:text/javascript,${encodeURIComponent(
  `const e = globalThis.__orchardSmokeElectron; export default e; export const { ${names.join(', ')} } = e;`,
)}`;
registerHooks({
  resolve: (specifier, context, next) =>
    specifier === 'electron' ? { url: STUB, shortCircuit: true } : next(specifier, context),
});

// --- drive it -----------------------------------------------------------------------------------
try {
  const t0 = performance.now();
  await import(pathToFileURL(MAIN).href);
  const win = await waitFor('the main window', () => rec.windows[0]);
  check('built main bundle starts', true, `${Math.round(performance.now() - t0)} ms to the window`);
  check('userData is ORCHARD_HOME', paths.get('userData') === home);
  const wp = win.opts.webPreferences;
  check(
    'hardened webPreferences, CommonJS preload that exists',
    wp.sandbox &&
      wp.contextIsolation &&
      !wp.nodeIntegration &&
      wp.webSecurity &&
      !wp.webviewTag &&
      existsSync(wp.preload),
    wp.preload,
  );
  // A sandboxed preload can require only 'electron' (and a few builtins): nothing else may be left.
  const preloadRequires = [...readFileSync(wp.preload, 'utf8').matchAll(/require\(["']([^"']+)["']\)/g)].map(
    (m) => m[1],
  );
  check(
    'preload is CommonJS and requires only electron',
    preloadRequires.join() === 'electron',
    preloadRequires.join(', '),
  );
  check(
    'main listens on the contract channel only',
    ipcMain.eventNames().join() === 'orchard:rpc',
    ipcMain.eventNames().join(', '),
  );
  const wc = win.webContents;
  await waitFor('the page to load', () => wc.mainFrame.url);
  const emit = (m, frame = wc.mainFrame) =>
    ipcMain.emit('orchard:rpc', { sender: wc, senderFrame: frame }, m);
  wc.emit('did-finish-load');
  emit({ t: 'req', id: 1, ch: 'listSessions', p: {} });
  const res = await waitFor('listSessions reply', () => wc.sent.find((m) => m.t === 'res' && m.id === 1));
  check(
    'IPC → router → engine → tmux',
    res.ok && res.value.some((s) => s.id === spawned.id),
    `${res.value?.length} session(s)`,
  );
  const restore = await waitFor('restoreTabs', () =>
    wc.sent.find((m) => m.t === 'evt' && m.p?.kind === 'restoreTabs'),
  );
  check(
    'v1 app state migrated; tabs restored, the gone one dropped',
    JSON.stringify(restore.p) ===
      JSON.stringify({ kind: 'restoreTabs', open: [spawned.id], active: spawned.id, dropped: ['deadbeef'] }),
    JSON.stringify(restore.p),
  );
  emit(
    { t: 'req', id: 2, ch: 'kill', p: { id: spawned.id } },
    { url: 'https://evil.example/', parent: null },
  );
  const refused = await waitFor('refusal', () => wc.sent.find((m) => m.t === 'res' && m.id === 2));
  check('foreign page refused', refused.ok === false, refused.error?.message);
  emit({ t: 'req', id: 3, ch: 'attach', p: { term: 't1', session: spawned.id, cols: 80, rows: 24 } });
  await waitFor('attach', () => wc.sent.find((m) => m.t === 'res' && m.id === 3));
  const screen = await waitFor('terminal output', () => {
    const text = wc.sent
      .filter((m) => m.t === 'evt' && m.ch === 'terminalData')
      .map((m) => m.p.data)
      .join('');
    return text.includes('smoke-ready') && text;
  });
  check('terminal attached through node-pty shows the agent', !!screen, `${screen.length} chars`);
  await waitFor('tray update', () => rec.tray?.tooltip.includes('1 session'));
  check(
    'tray follows the fleet',
    existsSync(rec.tray.image),
    `${rec.tray.tooltip} → ${rec.tray.image.slice(ROOT.length + 1)}`,
  );
  check('menu has Orchard commands', JSON.stringify(rec.menu).includes('Stop All Sessions'));
  globalThis.__orchardSmokeElectron.app.quit();
  const after = JSON.parse(cli('ls', '--json'));
  check(
    'quit leaves the agent running in tmux',
    after.some((s) => s.id === spawned.id && s.state !== 'exited'),
  );
} catch (e) {
  check('smoke run', false, e instanceof Error ? e.message : String(e));
} finally {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // no server left
  }
  // kill-server can leave its socket file behind
  rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
console.log(failed ? `${failed} check(s) failed` : `all ${results.length} checks passed`);
process.exit(failed ? 1 : 0);
