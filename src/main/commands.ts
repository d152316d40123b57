// Shell commands whose logic deserves tests apart from Electron: restoring tabs, stopping everything.
import type { SessionInfo } from '../shared/model.ts';
import type { AppState, SavedTab } from './app-state.ts';

export interface RestoredTabs {
  open: SavedTab[];
  active: string | null;
  /** Saved tabs whose sessions are gone (killed, or their host's tmux server restarted). */
  dropped: string[];
}

/** Saved tabs against the sessions tmux has now: keep the living, in their order; drop the rest. */
export function restoreTabs(saved: AppState['tabs'], live: readonly SessionInfo[]): RestoredTabs {
  const ids = new Set(live.map((s) => s.id));
  const open = saved.open.filter((t) => ids.has(t.session));
  const dropped = saved.open.filter((t) => !ids.has(t.session)).map((t) => t.session);
  const active = saved.active !== null && ids.has(saved.active) ? saved.active : (open[0]?.session ?? null);
  return { open, active, dropped };
}

export function droppedNote(dropped: readonly string[]): string | null {
  if (!dropped.length) return null;
  const n = dropped.length;
  return `${n} tab${n === 1 ? '' : 's'} closed: ${n === 1 ? 'its session is' : 'their sessions are'} gone (${dropped.join(', ')})`;
}

export interface StopAllDeps {
  list(): Promise<SessionInfo[]>;
  /** Ask the user; true only on an explicit yes. */
  confirm(sessions: SessionInfo[]): Promise<boolean>;
  kill(id: string): Promise<unknown>;
}

export interface StopAllResult {
  asked: boolean;
  stopped: string[];
  failed: { id: string; message: string }[];
}

/** "Stop all sessions": asks first; on yes, kills every session (worktrees and branches stay). */
export async function stopAllSessions(deps: StopAllDeps): Promise<StopAllResult> {
  const sessions = (await deps.list()).filter((s) => s.state !== 'unreachable');
  if (!sessions.length) return { asked: false, stopped: [], failed: [] };
  if (!(await deps.confirm(sessions))) return { asked: true, stopped: [], failed: [] };
  const results = await Promise.allSettled(sessions.map((s) => deps.kill(s.id)));
  const stopped: string[] = [];
  const failed: StopAllResult['failed'] = [];
  results.forEach((r, i) => {
    const id = sessions[i]!.id;
    if (r.status === 'fulfilled') stopped.push(id);
    else failed.push({ id, message: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  return { asked: true, stopped, failed };
}
