// The shape of the window's state (what store.ts holds and its listeners read), and the state a
// window starts with: the tabs and theme remembered by this browser, nothing loaded yet.
import type { HostSummary, ProfilesResult } from '../../../shared/api.ts';
import type { RepoConfig, SessionInfo } from '../../../shared/model.ts';
import type { BranchLoad } from '../components/BranchTree.tsx';
import type { PendingSpawn } from '../components/TabBar.tsx';
import type { BranchRef } from '../dnd.ts';
import { prefs, type Theme } from './prefs.ts';

export type View = 'terminals' | 'grid' | 'dashboard';

export type DialogState =
  | { kind: 'new'; preset?: BranchRef }
  | { kind: 'terminate'; id: string }
  | { kind: 'addRepo'; host: string }
  | { kind: 'addHost' }
  | { kind: 'host'; name: string };

export interface Notice {
  id: number;
  message: string;
}

export interface AppState {
  hosts: HostSummary[];
  repos: RepoConfig[];
  branches: Record<string, BranchLoad | undefined>;
  sessions: SessionInfo[];
  /** False until the first session list arrived (so restored tabs are not dropped too early). */
  sessionsLoaded: boolean;
  profiles: ProfilesResult | null;
  tabs: string[];
  active: string | null;
  view: View;
  pending: PendingSpawn[];
  errors: Notice[];
  dialog: DialogState | null;
  theme: Theme;
  connected: boolean;
  /** The server no longer takes this page's token (`orchard web` restarted). */
  stale?: boolean;
  /** Nothing answers at the page's origin any more (`orchard web` stopped, or restarted elsewhere). */
  stopped?: boolean;
  /**
   * Open tabs whose session left the list while they were open (tmux server gone, killed from
   * elsewhere), as last seen: the tab stays, marked, until the user closes it or the session is back.
   */
  gone: Record<string, SessionInfo>;
  /** Last measured terminal size, used as the initial size of new sessions. */
  termSize: { cols: number; rows: number } | null;
}

export function initialState(): AppState {
  const tabs = prefs.openTabs();
  return {
    hosts: [],
    repos: [],
    branches: {},
    sessions: [],
    sessionsLoaded: false,
    profiles: null,
    tabs,
    active: tabs[0] ?? null,
    view: 'terminals',
    pending: [],
    errors: [],
    dialog: null,
    theme: prefs.theme(),
    connected: true,
    gone: {},
    termSize: null,
  };
}
