// The fleet at a glance, for the tray, notifications and every list of sessions: pure functions
// that the Electron shell (tray, native notifications), the window and browser mode (Web
// Notifications) and the CLI all use, so a state reads and notifies the same way everywhere.
import type { NotificationPreferences, SessionInfo, SessionState } from './model.ts';

export type FleetState = 'idle' | 'working' | 'waiting';

export interface FleetCounts {
  total: number;
  working: number;
  waiting: number;
  idle: number;
  exited: number;
  unreachable: number;
  stopped: number;
  unknown: number;
}

export interface FleetView {
  state: FleetState;
  counts: FleetCounts;
  /** Sessions waiting for the user, oldest first (for the tray menu). */
  waiting: SessionInfo[];
  /** File name stem of the tray image in resources/tray/ (idle.png, working.png, waiting.png). */
  image: FleetState;
  tooltip: string;
  /** Text beside the tray icon (macOS) / badge: the waiting count, empty when none. */
  title: string;
}

export function fleetCounts(sessions: readonly SessionInfo[]): FleetCounts {
  const c: FleetCounts = {
    total: sessions.length,
    working: 0,
    waiting: 0,
    idle: 0,
    exited: 0,
    unreachable: 0,
    stopped: 0,
    unknown: 0,
  };
  for (const s of sessions) {
    if (s.state === 'starting' || s.state === 'working') c.working++;
    else c[s.state]++;
  }
  return c;
}

/** Pure: which tray image a fleet shows. Waiting beats working beats idle. */
export function trayImage(c: FleetCounts): FleetState {
  return c.waiting ? 'waiting' : c.working ? 'working' : 'idle';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function fleetView(sessions: readonly SessionInfo[]): FleetView {
  const counts = fleetCounts(sessions);
  const state = trayImage(counts);
  const parts = [`Orchard: ${plural(counts.total, 'session')}`];
  if (counts.waiting) parts.push(`${counts.waiting} waiting`);
  if (counts.working) parts.push(`${counts.working} working`);
  if (counts.unreachable) parts.push(`${counts.unreachable} unreachable`);
  if (!counts.waiting && !counts.working && counts.total) parts.push('all idle');
  return {
    state,
    counts,
    waiting: sessions
      .filter((s) => s.state === 'waiting')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    image: state,
    tooltip: parts.join(', '),
    title: counts.waiting ? String(counts.waiting) : '',
  };
}

/** "waiting · permission", "exited 3", "working": a state in words (colour never carries it alone). */
export function stateLabel(s: Pick<SessionInfo, 'state' | 'reason' | 'exitCode' | 'lastSeen'>): string {
  if (s.state === 'waiting') return s.reason ? `waiting · ${shortReason(s.reason)}` : 'waiting';
  if (s.state === 'exited') return s.exitCode !== undefined ? `exited ${s.exitCode}` : 'exited';
  if (s.state === 'stopped' && s.lastSeen) return `stopped · last seen ${s.lastSeen.replace(/\.\d+Z$/, 'Z')}`;
  return s.state;
}

function shortReason(reason: string): string {
  return reason.length > 28 ? `${reason.slice(0, 27)}…` : reason;
}

export function sessionLabel(s: Pick<SessionInfo, 'repo' | 'branch'>): string {
  return `${s.repo} · ${s.branch}`;
}

const where = (s: Pick<SessionInfo, 'branch' | 'host'>) =>
  `${s.branch} on ${s.host === 'local' ? 'this machine' : s.host}`;

/** "feature/login on devbox wants permission to Edit notes.txt", and the like. */
export function describeTransition(s: SessionInfo): string | null {
  const d = s.detail;
  if (s.state === 'waiting') {
    switch (s.reason) {
      case 'permission':
        return `${where(s)} wants permission${d ? ` to ${d}` : ''}`;
      case 'question':
        return `${where(s)} has a question${d ? `: ${d}` : ''}`;
      case 'error':
        return `${where(s)} stopped on an error${d ? `: ${d}` : ''}`;
      case 'setup':
        return `${where(s)} shows a first-run dialog${d ? `: ${d}` : ''}`;
      default:
        return `${where(s)} is waiting for your input`;
    }
  }
  if (s.state === 'exited') {
    const how = s.exitCode === undefined ? 'exited' : `exited with code ${s.exitCode}`;
    return `${where(s)} ${how}${s.reason ? ` (${s.reason})` : ''}`;
  }
  return null;
}

export interface Notice {
  session: string;
  /** The session's agent profile (what `mutedProfiles` names). */
  agent: string;
  title: string;
  body: string;
}

export function isMuted(s: Pick<SessionInfo, 'agent'>, prefs: NotificationPreferences | undefined): boolean {
  return !!prefs?.muted || !!prefs?.mutedProfiles?.includes(s.agent);
}

/** The notification for one session's change, or null (not worth one, muted, first sight). */
export function noticeFor(
  from: SessionState | null | undefined,
  s: SessionInfo,
  prefs?: NotificationPreferences,
  fromReason?: string,
): Notice | null {
  if (from === null || from === undefined || isMuted(s, prefs)) return null;
  if (from === s.state && (s.state !== 'waiting' || fromReason === s.reason)) return null;
  const title = describeTransition(s);
  if (!title) return null;
  const body =
    s.state === 'waiting' && s.reason === 'input' && s.detail ? s.detail : `${s.repo} · ${s.agent}`;
  return { session: s.id, agent: s.agent, title, body };
}

/** Notifications for sessions that just started waiting or just exited (not for ones seen first). */
export function fleetNotices(
  before: ReadonlyMap<string, SessionState>,
  now: readonly SessionInfo[],
  prefs?: NotificationPreferences,
): Notice[] {
  const out: Notice[] = [];
  for (const s of now) {
    const n = noticeFor(before.get(s.id) ?? null, s, prefs, undefined);
    if (n && before.get(s.id) !== s.state) out.push(n);
  }
  return out;
}

export function stateMap(sessions: readonly SessionInfo[]): Map<string, SessionState> {
  return new Map(sessions.map((s) => [s.id, s.state]));
}

/**
 * What triggers a notification, for every front end that shows them (the shell's native ones,
 * browser mode's Web Notifications): feed each fresh session list; the first one only sets the
 * baseline, so opening a window or restarting never floods the user with old news.
 */
export class FleetNoticeTracker {
  private before: Map<string, SessionState> | undefined;

  update(sessions: readonly SessionInfo[], prefs?: NotificationPreferences): Notice[] {
    const before = this.before;
    this.before = stateMap(sessions);
    return before ? fleetNotices(before, sessions, prefs) : [];
  }
}
