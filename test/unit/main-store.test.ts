// The app's memory: electron-store (the real package, over a temp folder; only `electron` is
// stubbed, as everywhere in these tests) with schema migrations, and the safeStorage vault that never writes a plain secret.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// electron-store lives in node_modules, which vitest hands to Node untransformed, so vi.mock cannot
// reach its `import electron from 'electron'`: a Node resolve hook points that one import at a stub.
const h = { userData: '' };
(globalThis as { __orchardElectronStub?: unknown }).__orchardElectronStub = {
  app: { getPath: () => h.userData, getVersion: () => '0.1.0' },
  ipcMain: { on: () => undefined },
  shell: {},
};
const STUB = `data:text/javascript,${encodeURIComponent(
  'const e = globalThis.__orchardElectronStub; export default e; export const app = e.app, ipcMain = e.ipcMain, shell = e.shell;',
)}`;
registerHooks({
  resolve: (specifier, context, next) =>
    specifier === 'electron' ? { url: STUB, shortCircuit: true } : next(specifier, context),
});

const { AppStateStore } = await import('../../src/main/app-store.ts');
const { APP_STATE_VERSION, MIGRATIONS, defaultAppState, migrateAppState } =
  await import('../../src/main/app-state.ts');
const { SecretVault } = await import('../../src/main/secrets.ts');
const { restoreTabs, droppedNote } = await import('../../src/main/commands.ts');
const { TabMemory } = await import('../../src/main/tab-memory.ts');
const { appHome, createAppEngine, rememberedPassphrases, passphraseKey } =
  await import('../../src/main/config-store.ts');
const { createEngine: createCliEngine } = await import('../../src/cli/compose.ts');
const { orchardHome } = await import('../../src/core/store/store.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchard-store-'));
  h.userData = dir;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, 'app-state.json');
const onDisk = () => JSON.parse(readFileSync(file(), 'utf8'));

describe('app state store', () => {
  it('migrates a version-1 file (no schemaVersion, flat keys) to the current schema and rewrites it', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        windowBounds: { x: 10, y: 20, width: 1200, height: 700 },
        maximized: true,
        openTabs: ['aa11', 'bb22', 'aa11', 'not an id; rm -rf ~'],
        activeTab: 'bb22',
        notify: false,
      }),
    );
    const s = new AppStateStore();
    expect(s.migration.from).toBe(1);
    expect(s.get()).toEqual({
      schemaVersion: APP_STATE_VERSION,
      window: { bounds: { x: 10, y: 20, width: 1200, height: 700 }, maximized: true },
      tabs: { open: [{ session: 'aa11' }, { session: 'bb22' }], active: 'bb22' },
      settings: { notifications: false, rememberPassphrases: false },
    });
    expect(onDisk()).toEqual(s.get());
    expect(onDisk().windowBounds).toBeUndefined();
    // Opening again: already current, nothing to migrate.
    const again = new AppStateStore();
    expect(again.migration.from).toBe(APP_STATE_VERSION);
    expect(again.migration.changed).toBe(false);
    expect(again.get()).toEqual(s.get());
  });

  it('a bad field costs only itself', () => {
    writeFileSync(
      file(),
      JSON.stringify({
        schemaVersion: 1,
        windowBounds: { x: 'a', y: 0, width: 10, height: 10 },
        openTabs: 'x',
        notify: true,
      }),
    );
    const s = new AppStateStore();
    expect(s.get().window.bounds).toBeNull();
    expect(s.get().tabs.open).toEqual([]);
    expect(s.get().settings.notifications).toBe(true);
  });

  it('starts from defaults on an empty folder or a corrupt file, without refusing to start', () => {
    expect(new AppStateStore().get()).toEqual(defaultAppState());
    expect(onDisk()).toEqual(defaultAppState());
    writeFileSync(file(), '{ not json');
    expect(new AppStateStore().get()).toEqual(defaultAppState());
  });

  it('a file from a newer Orchard is used but never overwritten', () => {
    const newer = {
      schemaVersion: APP_STATE_VERSION + 1,
      window: { bounds: null, maximized: true },
      future: { x: 1 },
    };
    writeFileSync(file(), JSON.stringify(newer));
    const s = new AppStateStore();
    expect(s.readOnly).toBe(true);
    expect(s.get().window.maximized).toBe(true);
    s.setTabs([{ session: 'ab' }], 'ab');
    expect(onDisk()).toEqual(newer);
  });

  it('keeps window bounds, tabs and settings across opens, in its own file (not the CLI config.json)', () => {
    const s = new AppStateStore();
    s.setWindow({ x: 1, y: 2, width: 800, height: 600 }, false);
    s.setTabs([{ session: 'cc33' }], 'cc33');
    s.setSettings({ notifications: false });
    const t = new AppStateStore();
    expect(t.get().window.bounds).toEqual({ x: 1, y: 2, width: 800, height: 600 });
    expect(t.get().tabs).toEqual({ open: [{ session: 'cc33' }], active: 'cc33' });
    expect(t.get().settings.notifications).toBe(false);
    expect(t.path).toBe(file());
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('has a migration for every version below the current one', () => {
    for (let v = 1; v < APP_STATE_VERSION; v++)
      expect(MIGRATIONS[v], `migration ${v}`).toBeTypeOf('function');
    expect(migrateAppState({ schemaVersion: 0 }).state).toEqual(defaultAppState());
  });
});

describe('tabs restored on start', () => {
  const live = (id: string) => ({ id }) as never;
  it('keeps tabs whose sessions tmux still has, in order, and drops the rest with a note', () => {
    const r = restoreTabs({ open: [{ session: 'a1' }, { session: 'b2' }, { session: 'c3' }], active: 'b2' }, [
      live('c3'),
      live('a1'),
    ]);
    expect(r).toEqual({ open: [{ session: 'a1' }, { session: 'c3' }], active: 'a1', dropped: ['b2'] });
    expect(droppedNote(r.dropped)).toBe('1 tab closed: its session is gone (b2)');
    expect(droppedNote([])).toBeNull();
    expect(restoreTabs({ open: [{ session: 'a1' }], active: 'a1' }, []).active).toBeNull();
  });
});

describe('tab memory across restarts', () => {
  const live = (...ids: string[]) => ids.map((id) => ({ id }) as never);

  it('restores saved tabs once the page speaks, drops gone sessions with a note, then saves changes', async () => {
    const store = new AppStateStore();
    store.setTabs([{ session: 'a1' }, { session: 'b2' }], 'b2');
    const pushed: unknown[] = [];
    const notes: string[] = [];
    const mem = new TabMemory({
      state: store,
      list: async () => live('a1', 'c3'),
      push: (c) => pushed.push(c),
      note: (m) => notes.push(m),
    });
    mem.pageLoaded();
    await new Promise((r) => setImmediate(r));
    expect(pushed).toEqual([]); // the page has not spoken yet: its listeners may not exist
    // While starting, the page reports an empty tab list: not saved over the tabs being restored.
    expect(mem.tabsChanged([], null)).toBe(false);
    mem.pageSpoke();
    expect(pushed).toEqual([{ kind: 'restoreTabs', open: ['a1'], active: 'a1', dropped: ['b2'] }]);
    expect(notes).toEqual(['1 tab closed: its session is gone (b2)']);
    expect(new AppStateStore().get().tabs).toEqual({ open: [{ session: 'a1' }], active: 'a1' });
    // After the restore, changes are remembered.
    expect(mem.tabsChanged(['c3', 'a1'], 'c3')).toBe(true);
    expect(new AppStateStore().get().tabs).toEqual({
      open: [{ session: 'c3' }, { session: 'a1' }],
      active: 'c3',
    });
    mem.pageSpoke();
    expect(pushed).toHaveLength(1);
  });

  it('when sessions cannot be listed, nothing is restored and the saved tabs are kept', async () => {
    const store = new AppStateStore();
    store.setTabs([{ session: 'a1' }], 'a1');
    const pushed: unknown[] = [];
    const mem = new TabMemory({
      state: store,
      list: async () => Promise.reject(new Error('tmux gone')),
      push: (c) => pushed.push(c),
    });
    mem.pageLoaded();
    mem.pageSpoke();
    await new Promise((r) => setImmediate(r));
    expect(pushed).toEqual([]);
    expect(mem.tabsChanged([], null)).toBe(false);
    expect(new AppStateStore().get().tabs.open).toEqual([{ session: 'a1' }]);
  });
});

describe('secret vault (safeStorage)', () => {
  // A stand-in for safeStorage with a real (if toy) cipher, so "not in plain text" is meaningful.
  const fakeSafe = (available = true, backend = 'gnome_libsecret') => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  });
  const SECRET = 'correct horse battery staple';

  it('remembers through safeStorage only: the file never holds the secret', () => {
    const v = new SecretVault(join(dir, 'secrets.json'), fakeSafe(), 'linux');
    expect(v.remember('ssh:build-box:~/.ssh/id_ed25519', SECRET)).toBe(true);
    const text = readFileSync(join(dir, 'secrets.json'), 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(v.recall('ssh:build-box:~/.ssh/id_ed25519')).toBe(SECRET);
    v.forget('ssh:build-box:~/.ssh/id_ed25519');
    expect(v.recall('ssh:build-box:~/.ssh/id_ed25519')).toBeNull();
  });

  it('refuses to remember without OS-backed encryption (none, or Linux basic_text)', () => {
    for (const safe of [fakeSafe(false), fakeSafe(true, 'basic_text')]) {
      const v = new SecretVault(join(dir, 'secrets.json'), safe, 'linux');
      expect(v.available()).toBe(false);
      expect(v.remember('k', SECRET)).toBe(false);
      expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    }
  });

  it('nothing secret goes into the app state or the config', () => {
    const s = new AppStateStore();
    s.setSettings({ rememberPassphrases: true });
    new SecretVault(join(dir, 'secrets.json'), fakeSafe(), 'linux').remember('k', SECRET);
    expect(readFileSync(file(), 'utf8')).not.toContain(SECRET);
  });
});

describe('the shared configuration', () => {
  it("the app's folder is the CLI's ORCHARD_HOME, and a change made by the CLI's engine is seen by the app's", async () => {
    expect(appHome({ ORCHARD_HOME: dir })).toBe(dir);
    expect(appHome({ XDG_CONFIG_HOME: '/x' })).toBe(orchardHome({ XDG_CONFIG_HOME: '/x' }));
    const cli = createCliEngine(dir);
    const appEngine = createAppEngine(dir);
    try {
      await cli.store.update((c) => {
        c.repos.push({ name: 'shop', host: 'local', path: '/r/shop' });
      });
      expect(await appEngine.listRepos()).toEqual([{ name: 'shop', host: 'local', path: '/r/shop' }]);
      await appEngine.store.update((c) => {
        c.preferences.defaultAgent = 'codex';
      });
      expect((await cli.store.read()).preferences.defaultAgent).toBe('codex');
      // The app's own state lives beside it, in its own file.
      new AppStateStore().setSettings({ notifications: false });
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).settings).toBeUndefined();
    } finally {
      cli.dispose();
      appEngine.dispose();
    }
  });

  it('a remembered passphrase is offered once; when it fails it is forgotten', async () => {
    const recalled: string[] = [];
    const forgotten: string[] = [];
    const ask = rememberedPassphrases({
      recall: (k) => (recalled.push(k), k === passphraseKey('/home/u/.ssh/id_ed25519') ? 'pw' : null),
      forget: (k) => void forgotten.push(k),
    });
    expect(await ask('/home/u/.ssh/id_ed25519', false)).toBe('pw');
    expect(await ask('/home/u/.ssh/id_ed25519', true)).toBeNull();
    expect(forgotten).toEqual([passphraseKey('/home/u/.ssh/id_ed25519')]);
    expect(await ask('/home/u/.ssh/other', false)).toBeNull();
  });
});
