// The app's own memory (window, tabs, shell settings) in electron-store, migrated on open.
// File: <userData>/app-state.json. Deliberately NOT electron-store's default name "config": that is
// the CLI's config.json in the same folder (see config-store.ts), which electron-store would clobber.
import ElectronStore from 'electron-store';
import {
  migrateAppState,
  type AppState,
  type Bounds,
  type MigrationResult,
  type SavedTab,
  type ShellSettings,
} from './app-state.ts';

export interface AppStateStoreOptions {
  /** Folder of the file; default electron-store's (app.getPath('userData')). */
  cwd?: string;
}

export class AppStateStore {
  private readonly store: ElectronStore<Record<string, unknown>>;
  private state: AppState;
  /** Written by a newer Orchard: keep it in memory only. */
  readonly readOnly: boolean;
  readonly migration: MigrationResult;

  constructor(opts: AppStateStoreOptions = {}) {
    this.store = new ElectronStore<Record<string, unknown>>({
      name: 'app-state',
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      // Window bounds and tabs are cheap to lose; a corrupt file must not stop the app starting.
      clearInvalidConfig: true,
    });
    this.migration = migrateAppState(this.store.store);
    this.state = this.migration.state;
    this.readOnly = this.migration.newer;
    if (this.migration.changed && !this.readOnly) this.write();
  }

  get path(): string {
    return this.store.path;
  }

  get(): AppState {
    return structuredClone(this.state);
  }

  setWindow(bounds: Bounds | null, maximized: boolean): void {
    this.state.window = { bounds: bounds ?? this.state.window.bounds, maximized };
    this.write();
  }

  setTabs(open: SavedTab[], active: string | null): void {
    this.state.tabs = { open: open.map((t) => ({ session: t.session })), active };
    this.write();
  }

  setSettings(patch: Partial<ShellSettings>): void {
    this.state.settings = { ...this.state.settings, ...patch };
    this.write();
  }

  private write(): void {
    if (this.readOnly) return;
    this.store.store = structuredClone(this.state) as unknown as Record<string, unknown>;
  }
}
