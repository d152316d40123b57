// Open tabs across restarts. On each page load the saved tabs are checked against the sessions tmux
// has now and sent to the page as `restoreTabs` (gone sessions dropped, with a note) — but only
// once the page has spoken (its first IPC message), so its listeners exist. Until the restore has
// reached the page, its tabsChanged reports (an empty list while it starts) are not saved: they
// would overwrite the tabs being restored.
import type { ShellCommand } from '../shared/api.ts';
import type { SessionInfo } from '../shared/model.ts';
import type { AppState, SavedTab } from './app-state.ts';
import { droppedNote, restoreTabs } from './commands.ts';

export interface TabMemoryDeps {
  state: { get(): AppState; setTabs(open: SavedTab[], active: string | null): void };
  list(): Promise<SessionInfo[]>;
  push(command: ShellCommand): void;
  note?(message: string): void;
}

export class TabMemory {
  private readonly deps: TabMemoryDeps;
  /** Bumped per page load, so a slow list from an earlier load is ignored. */
  private load = 0;
  private spoke = false;
  private pending: ShellCommand | undefined;
  private restored = false;

  constructor(deps: TabMemoryDeps) {
    this.deps = deps;
  }

  pageLoaded(): void {
    const load = ++this.load;
    this.spoke = false;
    this.pending = undefined;
    this.restored = false;
    void this.deps.list().then(
      (live) => {
        if (load !== this.load) return;
        const r = restoreTabs(this.deps.state.get().tabs, live);
        this.deps.state.setTabs(r.open, r.active);
        const note = droppedNote(r.dropped);
        if (note) this.deps.note?.(note);
        this.pending = {
          kind: 'restoreTabs',
          open: r.open.map((t) => t.session),
          active: r.active,
          dropped: r.dropped,
        };
        this.flush();
      },
      (e: unknown) => {
        // Cannot check the sessions: restore nothing, and keep the saved tabs for the next start.
        if (load !== this.load) return;
        this.deps.note?.(`tabs not restored: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  pageSpoke(): void {
    if (this.spoke) return;
    this.spoke = true;
    this.flush();
  }

  tabsChanged(open: string[], active: string | null): boolean {
    if (!this.restored) return false;
    this.deps.state.setTabs(
      open.map((session) => ({ session })),
      active,
    );
    return true;
  }

  private flush(): void {
    if (!this.spoke || !this.pending) return;
    this.deps.push(this.pending);
    this.pending = undefined;
    this.restored = true;
  }
}
