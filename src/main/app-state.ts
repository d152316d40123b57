// What the desktop app remembers between runs (window, open tabs, shell settings), its schema
// version and the migrations from older versions. Pure: app-store.ts keeps it in electron-store.
// Not here: repos, hosts, profiles (the shared config, see config-store.ts) and sessions (tmux).

export const APP_STATE_VERSION = 2;

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SavedTab {
  /** Session id (SessionInfo.id); the session itself is rediscovered from tmux on start. */
  session: string;
}

export interface ShellSettings {
  /** Native notifications when a session starts waiting or exits. */
  notifications: boolean;
  /** Offer to remember SSH key passphrases (kept only through safeStorage, see secrets.ts). */
  rememberPassphrases: boolean;
}

export interface AppState {
  schemaVersion: typeof APP_STATE_VERSION;
  window: { bounds: Bounds | null; maximized: boolean };
  tabs: { open: SavedTab[]; active: string | null };
  settings: ShellSettings;
}

/** Version 1 (first prototype): flat keys, tabs as bare ids, one boolean for notifications. */
export interface AppStateV1 {
  schemaVersion?: 1;
  windowBounds?: Bounds;
  maximized?: boolean;
  openTabs?: string[];
  activeTab?: string;
  notify?: boolean;
}

export function defaultAppState(): AppState {
  return {
    schemaVersion: APP_STATE_VERSION,
    window: { bounds: null, maximized: false },
    tabs: { open: [], active: null },
    settings: { notifications: true, rememberPassphrases: false },
  };
}

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const SESSION_ID = /^[0-9a-f]{1,64}$/i;

/** Bounds a window can actually take; anything else (hand-edited, corrupt) is dropped. */
export function sanitizeBounds(x: unknown): Bounds | null {
  if (!isObj(x)) return null;
  const { x: bx, y, width, height } = x;
  const int = (v: unknown, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (!int(bx, -100_000, 100_000) || !int(y, -100_000, 100_000)) return null;
  if (!int(width, 200, 100_000) || !int(height, 150, 100_000)) return null;
  return { x: bx as number, y: y as number, width: width as number, height: height as number };
}

function sanitizeTabs(open: unknown, active: unknown): AppState['tabs'] {
  const seen = new Set<string>();
  const tabs: SavedTab[] = [];
  for (const t of Array.isArray(open) ? open : []) {
    const id = isObj(t) ? t.session : undefined;
    if (typeof id === 'string' && SESSION_ID.test(id) && !seen.has(id)) {
      seen.add(id);
      tabs.push({ session: id });
    }
  }
  return { open: tabs, active: typeof active === 'string' && seen.has(active) ? active : null };
}

/** Turn whatever is on disk into a valid current state, field by field (a bad field never costs the rest). */
export function sanitizeAppState(raw: Record<string, unknown>): AppState {
  const d = defaultAppState();
  const win = isObj(raw.window) ? raw.window : {};
  const tabs = isObj(raw.tabs) ? raw.tabs : {};
  const settings = isObj(raw.settings) ? raw.settings : {};
  const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);
  return {
    schemaVersion: APP_STATE_VERSION,
    window: { bounds: sanitizeBounds(win.bounds), maximized: bool(win.maximized, false) },
    tabs: sanitizeTabs(tabs.open, tabs.active),
    settings: {
      notifications: bool(settings.notifications, d.settings.notifications),
      rememberPassphrases: bool(settings.rememberPassphrases, d.settings.rememberPassphrases),
    },
  };
}

type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/** MIGRATIONS[n] turns version n into version n + 1. Add one per schema change; never edit old ones. */
export const MIGRATIONS: Record<number, Migration> = {
  1: (v1) => ({
    schemaVersion: 2,
    window: { bounds: v1.windowBounds, maximized: v1.maximized },
    tabs: {
      open: Array.isArray(v1.openTabs) ? v1.openTabs.map((session: unknown) => ({ session })) : [],
      active: v1.activeTab,
    },
    settings: { notifications: v1.notify, rememberPassphrases: false },
  }),
};

export interface MigrationResult {
  state: AppState;
  /** The version found on disk (null: nothing stored yet). */
  from: number | null;
  /** The stored data must be rewritten (migrated or repaired). */
  changed: boolean;
  /** Stored by a newer Orchard: used read-only so that newer data is not overwritten. */
  newer: boolean;
}

export function migrateAppState(raw: unknown): MigrationResult {
  if (!isObj(raw) || Object.keys(raw).length === 0)
    return { state: defaultAppState(), from: null, changed: true, newer: false };
  // Version 1 predates the field: no schemaVersion means 1.
  const from = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 1;
  if (!Number.isInteger(from) || from < 1)
    return { state: defaultAppState(), from, changed: true, newer: false };
  if (from > APP_STATE_VERSION) return { state: sanitizeAppState(raw), from, changed: false, newer: true };
  let cur: Record<string, unknown> = raw;
  for (let v = from; v < APP_STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`no migration from app state version ${v}`);
    cur = step(cur);
  }
  const state = sanitizeAppState(cur);
  return { state, from, changed: JSON.stringify(state) !== JSON.stringify(raw), newer: false };
}
