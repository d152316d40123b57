// The one place that turns the fleet (all sessions) into what the tray and notifications show.
// Stand-in until src/core/status/fleet.ts (status work) exists; switching over touches only this file.
import type { SessionInfo, SessionState } from '../shared/model.ts';

export type FleetState = 'idle' | 'working' | 'waiting';

export interface FleetView {
  state: FleetState;
  /** Sessions waiting for the user, oldest first. */
  waiting: SessionInfo[];
  /** File name stem of the tray image in resources/tray/. */
  image: FleetState;
  tooltip: string;
  /** Text beside the tray icon (macOS): the waiting count, empty when none. */
  title: string;
}

export function sessionLabel(s: SessionInfo): string {
  return `${s.repo} · ${s.branch}`;
}

export function fleetView(sessions: SessionInfo[]): FleetView {
  const waiting = sessions.filter((s) => s.state === 'waiting');
  const working = sessions.filter((s) => s.state === 'working' || s.state === 'starting').length;
  const state: FleetState = waiting.length ? 'waiting' : working ? 'working' : 'idle';
  const parts = [`Orchard: ${sessions.length} session${sessions.length === 1 ? '' : 's'}`];
  if (waiting.length) parts.push(`${waiting.length} waiting`);
  if (working) parts.push(`${working} working`);
  return {
    state,
    waiting,
    image: state,
    tooltip: parts.join(', '),
    title: waiting.length ? String(waiting.length) : '',
  };
}

export interface Notice {
  session: string;
  title: string;
  body: string;
}

/** Notifications for sessions that just started waiting or just exited (not for ones seen first). */
export function fleetNotices(before: ReadonlyMap<string, SessionState>, now: SessionInfo[]): Notice[] {
  const out: Notice[] = [];
  for (const s of now) {
    const was = before.get(s.id);
    if (was === undefined || was === s.state) continue;
    if (s.state === 'waiting') {
      const why = s.detail ?? (s.reason ? `waiting (${s.reason})` : 'waiting for you');
      out.push({ session: s.id, title: `${sessionLabel(s)} needs you`, body: why });
    } else if (s.state === 'exited') {
      const how = s.exitCode === undefined ? 'exited' : `exited with code ${s.exitCode}`;
      out.push({ session: s.id, title: `${sessionLabel(s)} ${how}`, body: s.reason ?? s.agent });
    }
  }
  return out;
}

export function stateMap(sessions: SessionInfo[]): Map<string, SessionState> {
  return new Map(sessions.map((s) => [s.id, s.state]));
}
