// The app composed: window + guarded IPC + real router + tray + menu + Stop all + tab restore, with
// `electron` stubbed, the engine faked (no tmux) and the app state in memory.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionInfo, SessionState } from '../../src/shared/model.ts';

type Listener = (...a: unknown[]) => void;
class Emitterish {
  readonly listeners = new Map<string, Listener[]>();
  on(ev: string, fn: Listener) {
    this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), fn]);
    return this;
  }
  once(ev: string, fn: Listener) {
    return this.on(ev, fn);
  }
  fire(ev: string, ...a: unknown[]) {
    for (const fn of this.listeners.get(ev) ?? []) fn(...a);
  }
}

const h = vi.hoisted(() => ({
  pageUrl: '',
  windows: [] as unknown[],
  ipcMain: undefined as unknown as import('node:events').EventEmitter,
  menu: [] as { label?: string; submenu?: unknown; click?: () => void }[],
  tray: { image: '', menu: [] as { label?: string; click?: () => void }[] },
  dialogAnswers: [] as number[],
  dialogs: [] as string[],
  sessions: [] as SessionInfo[],
  kills: [] as string[],
  saved: { open: [] as { session: string }[], active: null as string | null },
}));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  h.ipcMain = new EventEmitter();
  let nextId = 1;
  class WebContents extends Emitterish {
    readonly id = nextId++;
    readonly sent: unknown[] = [];
    // the page the app loads: <dir of orchard-app.ts>/../renderer/index.html
    readonly mainFrame = { url: h.pageUrl, parent: null };
    setWindowOpenHandler() {}
    isDestroyed = () => false;
    send(_ch: string, m: unknown) {
      this.sent.push(m);
    }
    reload() {}
  }
  class BrowserWindow extends Emitterish {
    readonly webContents = new WebContents();
    readonly opts: Record<string, unknown>;
    constructor(opts: Record<string, unknown>) {
      super();
      this.opts = opts;
      h.windows.push(this);
    }
    loadFile = vi.fn(async () => {});
    loadURL = vi.fn(async () => {});
    isDestroyed = () => false;
    isMinimized = () => false;
    restore() {}
    show() {}
    focus() {}
    maximize() {}
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 800 });
  }
  class Tray extends Emitterish {
    constructor(img: { path: string }) {
      super();
      h.tray.image = img.path;
    }
    setImage(img: { path: string }) {
      h.tray.image = img.path;
    }
    setToolTip() {}
    setTitle() {}
    setContextMenu(m: { template: typeof h.tray.menu }) {
      h.tray.menu = m.template;
    }
    destroy() {}
  }
  class Notification extends Emitterish {
    static isSupported = () => true;
    show() {}
  }
  return {
    app: {
      getAppPath: () => '/app',
      isPackaged: true,
      on: () => undefined,
      quit: vi.fn(),
    },
    BrowserWindow,
    Tray,
    Notification,
    ipcMain: h.ipcMain,
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    Menu: {
      buildFromTemplate: (t: unknown[]) => ({ template: t }),
      setApplicationMenu: (m: { template: typeof h.menu }) => (h.menu = m.template),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    shell: { openExternal: vi.fn() },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => undefined },
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
      },
    },
    dialog: {
      showMessageBox: async (_w: unknown, o: { message: string }) => {
        h.dialogs.push(o.message);
        return { response: h.dialogAnswers.shift() ?? 1 };
      },
      showErrorBox: vi.fn(),
    },
    safeStorage: { isEncryptionAvailable: () => false },
  };
});

vi.mock('../../src/main/app-store.ts', () => ({
  AppStateStore: class {
    get() {
      return {
        schemaVersion: 2,
        window: { bounds: null, maximized: false },
        tabs: structuredClone(h.saved),
        settings: { notifications: true, rememberPassphrases: false },
      };
    }
    setTabs(open: { session: string }[], active: string | null) {
      h.saved = { open, active };
    }
    setWindow() {}
  },
}));

vi.mock('../../src/main/config-store.ts', () => ({
  rememberedPassphrases: () => async () => null,
  createAppEngine: () => ({
    list: async () => h.sessions,
    kill: async (id: string) => void h.kills.push(id),
    store: {
      read: async () => ({
        version: 1,
        repos: [],
        hosts: [],
        profiles: [],
        preferences: { defaultAgent: 'claude' },
      }),
    },
    // No host: the fleet monitor is the fake above.
    hosts: { names: async () => [], get: async () => Promise.reject(new Error('no hosts in this test')) },
    dispose: () => undefined,
  }),
}));

// The fleet monitor reads tmux on real hosts; here it publishes the test's fleet, as it would
// after its first list, and the app's router and tray take it from there.
vi.mock('../../src/core/status/fleet-monitor.ts', async () => {
  const { Emitter } = await import('../../src/core/util/lifecycle.ts');
  class FleetMonitor {
    private readonly lists = new Emitter<SessionInfo[]>();
    readonly onDidChangeSessions = this.lists.event;
    readonly onDidChangeState = new Emitter<unknown>().event;
    readonly stats = {
      onDidSample: new Emitter<unknown>().event,
      retain: () => ({ dispose() {} }),
      current: async () => ({ at: new Date().toISOString(), hosts: [], sessions: [] }),
    };
    current: SessionInfo[] | undefined;
    start() {
      setTimeout(() => this.lists.fire((this.current = h.sessions as SessionInfo[])), 0);
      return this;
    }
    refresh() {}
    expectGone() {}
    statsNow() {
      return this.stats.current();
    }
    dispose() {
      this.lists.dispose();
    }
  }
  return { FleetMonitor };
});

const { OrchardApp } = await import('../../src/main/orchard-app.ts');
h.pageUrl = pathToFileURL(join(import.meta.dirname, '../../src/renderer/index.html')).href;

function s(id: string, state: SessionState): SessionInfo {
  return {
    id,
    repo: 'shop',
    repoPath: '/r',
    branch: `b-${id}`,
    worktree: `/w/${id}`,
    host: 'local',
    agent: 'claude',
    state,
    pid: 1,
    createdAt: '2026-01-01T00:00:00Z',
    tmuxSession: `o-${id}`,
    paneId: '%1',
  };
}

type Win = {
  opts: Record<string, unknown>;
  webContents: Emitterish & { id: number; sent: unknown[]; mainFrame: unknown };
};

let app: InstanceType<typeof OrchardApp> | undefined;
afterEach(() => {
  app?.dispose();
  app = undefined;
});

describe('OrchardApp composed', () => {
  it('window, IPC, tray, menu, Stop all and tab restore work together', async () => {
    h.sessions = [s('a1', 'working'), s('b2', 'waiting')];
    h.saved = { open: [{ session: 'b2' }, { session: 'dead' }], active: 'dead' };
    app = new OrchardApp('/tmp/orchard-test-home');
    app.start();
    const win = h.windows[0] as Win;
    const wc = win.webContents;
    expect(win.opts.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect((win.opts.webPreferences as { preload: string }).preload).toMatch(/preload[/\\]index\.cjs$/);

    const emit = (m: unknown, frame: unknown = wc.mainFrame, sender: unknown = wc) =>
      h.ipcMain.emit('orchard:rpc', { sender, senderFrame: frame }, m);

    // The page loads and speaks: its request is answered by the router, and its tabs are restored.
    wc.fire('did-finish-load');
    emit({ t: 'req', id: 1, ch: 'listSessions', p: {} });
    await vi.waitFor(() => expect(wc.sent).toContainEqual({ t: 'res', id: 1, ok: true, value: h.sessions }));
    await vi.waitFor(() =>
      expect(wc.sent).toContainEqual({
        t: 'evt',
        ch: 'shellCommand',
        p: { kind: 'restoreTabs', open: ['b2'], active: 'b2', dropped: ['dead'] },
      }),
    );
    // A subframe's message goes nowhere.
    const before = wc.sent.length;
    emit({ t: 'req', id: 2, ch: 'kill', p: { id: 'a1' } }, { url: h.pageUrl, parent: {} });
    expect(wc.sent.length).toBe(before + 1);
    expect(wc.sent.at(-1)).toMatchObject({ t: 'res', id: 2, ok: false });

    // The tray follows the fleet through the shell's own router subscription.
    await vi.waitFor(() => expect(h.tray.image).toMatch(/tray[/\\]waiting\.png$/));
    h.tray.menu.find((i) => i.label === 'shop · b-b2')!.click!();
    expect(wc.sent.at(-1)).toEqual({ t: 'evt', ch: 'shellCommand', p: { kind: 'openSession', id: 'b2' } });

    // Tabs the page reports after the restore are remembered.
    emit({ t: 'send', ch: 'tabsChanged', p: { open: ['a1', 'b2'], active: 'a1' } });
    expect(h.saved).toEqual({ open: [{ session: 'a1' }, { session: 'b2' }], active: 'a1' });

    // Stop all: asks; "Cancel" stops nothing; "Stop All" stops each.
    const orchardMenu = h.menu.find((m) => Array.isArray(m.submenu))!.submenu as {
      label?: string;
      click?: () => void;
    }[];
    const stopAll = orchardMenu.find((i) => i.label === 'Stop All Sessions…')!;
    h.dialogAnswers.push(1);
    stopAll.click!();
    await vi.waitFor(() => expect(h.dialogs).toEqual(['Stop all 2 sessions?']));
    expect(h.kills).toEqual([]);
    h.dialogAnswers.push(0);
    stopAll.click!();
    await vi.waitFor(() => expect(h.kills).toEqual(['a1', 'b2']));

    // Menu commands reach the page.
    orchardMenu.find((i) => i.label === 'New Session…')!.click!();
    expect(wc.sent.at(-1)).toEqual({ t: 'evt', ch: 'shellCommand', p: { kind: 'newSession' } });

    // Quit: the IPC listener goes away with the app.
    app.dispose();
    app = undefined;
    expect(h.ipcMain.listenerCount('orchard:rpc')).toBe(0);
  });

  it('a packaged app never loads a page named by ELECTRON_RENDERER_URL', () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'https://evil.example/');
    try {
      h.windows.length = 0;
      app = new OrchardApp('/tmp/orchard-test-home');
      app.start();
      const win = h.windows[0] as Win & {
        loadFile: ReturnType<typeof vi.fn>;
        loadURL: ReturnType<typeof vi.fn>;
      };
      expect(win.loadURL).not.toHaveBeenCalled();
      expect(win.loadFile.mock.calls[0]![0]).toMatch(/renderer[/\\]index\.html$/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
