// Pure state transitions of the window's store: each reads the current AppState and returns what
// changes, so store.ts keeps only the requests, the timing and the notifying.
import type { SessionInfo } from '../../../shared/model.ts';
import type { BranchLoad } from '../components/BranchTree.tsx';
import type { AppState } from './app-state.ts';
import { neighbourAfterClose } from './tabs.ts';

export function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `list` with `item` appended unless an entry with the same key is there already. */
export function withItem<T>(list: T[], item: T, key: (x: T) => string): T[] {
  return list.some((x) => key(x) === key(item)) ? list : [...list, item];
}

/** The tabs the desktop app restores on start (only those still known once the list arrived). */
export function restoredTabs(
  state: AppState,
  requested: string[],
  requestedActive: string | null,
): Pick<AppState, 'tabs' | 'active'> {
  const known = new Set(state.sessions.map((s) => s.id));
  const open = state.sessionsLoaded ? requested.filter((id) => known.has(id)) : requested;
  const active = requestedActive && open.includes(requestedActive) ? requestedActive : (open[0] ?? null);
  return { tabs: open, active };
}

/** A new session list: the tabs, the active one and the gone marks that follow from it. */
export function withSessions(
  state: AppState,
  sessions: SessionInfo[],
): Pick<AppState, 'sessions' | 'sessionsLoaded' | 'tabs' | 'active' | 'gone'> {
  const known = new Set(sessions.map((s) => s.id));
  // Tabs restored from an earlier visit whose session is gone are dropped; a tab open now keeps
  // its place when its session disappears, and says so (TerminalsView), rather than vanish.
  const gone: Record<string, SessionInfo> = {};
  if (state.sessionsLoaded)
    for (const id of state.tabs) {
      if (known.has(id)) continue;
      const last = state.gone[id] ?? state.sessions.find((s) => s.id === id);
      if (last) gone[id] = last;
    }
  const tabs = state.tabs.filter((id) => known.has(id) || gone[id]);
  const active = state.active && tabs.includes(state.active) ? state.active : (tabs[0] ?? null);
  return { sessions, sessionsLoaded: true, tabs, active, gone };
}

/** Repos whose set of sessions changed: their worktree markers may have changed too. */
export function reposWithChangedSessions(state: AppState, next: SessionInfo[]): string[] {
  const key = (l: SessionInfo[]) => new Set(l.map((s) => `${s.repo}\0${s.id}`));
  const before = key(state.sessions);
  const after = key(next);
  const repos = new Set<string>();
  for (const k of before) if (!after.has(k)) repos.add(k.split('\0')[0]!);
  for (const k of after) if (!before.has(k)) repos.add(k.split('\0')[0]!);
  return [...repos].filter((r) => state.branches[r]);
}

/** The tabs once `id` is closed: the active one moves to a neighbour, its gone mark goes. */
export function withoutTab(state: AppState, id: string): Pick<AppState, 'tabs' | 'active' | 'gone'> {
  const active = state.active === id ? neighbourAfterClose(state.tabs, id) : state.active;
  const { [id]: _closed, ...gone } = state.gone;
  return { tabs: state.tabs.filter((x) => x !== id), active, gone };
}

/** `sessions` with those of the same id as an entry of `list` replaced by that entry. */
export function withSessionsReplaced(sessions: SessionInfo[], list: SessionInfo[]): SessionInfo[] {
  const byId = new Map(list.map((s) => [s.id, s]));
  return sessions.map((s) => byId.get(s.id) ?? s);
}

/** One repo's branch list (loading, loaded or failed), the others as they are. */
export function withBranches(state: AppState, repo: string, load: BranchLoad): Pick<AppState, 'branches'> {
  return { branches: { ...state.branches, [repo]: load } };
}
