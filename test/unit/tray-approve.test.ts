// The tray's waiting list answers permission questions: Approve / Deny call the approve action with
// the request the menu showed (so a stale menu is refused by the engine, not typed into a prompt).
import { expect, test, vi } from 'vitest';
import type { SessionInfo } from '../../src/shared/model.ts';
import { fleetView } from '../../src/shared/fleet.ts';

const notes = vi.hoisted(
  () => [] as Array<{ title: string; actions?: unknown[]; on: Map<string, (...a: unknown[]) => void> }>,
);
vi.mock('electron', () => {
  class Notification {
    static isSupported = () => true;
    readonly rec;
    constructor(o: { title: string; actions?: unknown[] }) {
      this.rec = { ...o, on: new Map<string, (...a: unknown[]) => void>() };
      notes.push(this.rec);
    }
    on(ev: string, fn: (...a: unknown[]) => void) {
      this.rec.on.set(ev, fn);
    }
    show() {}
  }
  return { Menu: {}, Tray: class {}, nativeImage: {}, Notification };
});
const { trayMenuTemplate } = await import('../../src/main/tray.ts');
const { FleetNotifier } = await import('../../src/main/notifications.ts');

const s = (id: string, over: Partial<SessionInfo>): SessionInfo => ({
  id,
  repo: 'r',
  repoPath: '/r',
  branch: `feat/${id}`,
  worktree: '/w',
  host: 'local',
  agent: 'claude',
  state: 'waiting',
  pid: 1,
  createdAt: '2026-01-01T00:00:00Z',
  tmuxSession: id,
  paneId: '%1',
  ...over,
});

test('permission entries get Open / Approve / Deny; other waiting ones stay a plain Open item', () => {
  const calls: unknown[][] = [];
  const opened: string[] = [];
  const view = fleetView([
    s('a1', { reason: 'permission', detail: 'Edit notes.txt' }),
    s('a2', { reason: 'question', detail: 'Which database?' }),
  ]);
  const items = trayMenuTemplate(view, {
    show: () => {},
    quit: () => {},
    openSession: (id) => opened.push(id),
    approve: (...a) => calls.push(a),
  });
  const perm = items.find((i) => String(i.label).includes('feat/a1'))!;
  const sub = perm.submenu as Array<{ label: string; click: () => void }>;
  expect(sub.map((x) => x.label)).toEqual(['Open', 'Approve: Edit notes.txt', 'Deny']);
  sub[1]!.click();
  sub[2]!.click();
  sub[0]!.click();
  expect(calls).toEqual([
    ['a1', 'yes', 'Edit notes.txt'],
    ['a1', 'no', 'Edit notes.txt'],
  ]);
  const q = items.find((i) => String(i.label).includes('feat/a2'))!;
  expect(q.submenu).toBeUndefined();
  (q.click as () => void)();
  expect(opened).toEqual(['a1', 'a2']);
});

test('a permission notice carries Approve / Deny actions that answer the request it announced', () => {
  const calls: unknown[][] = [];
  const n = new FleetNotifier({
    enabled: () => true,
    prefs: () => undefined,
    openSession: () => {},
    approve: (...a) => calls.push(a),
  });
  n.update([s('a1', { state: 'working' }), s('a2', { state: 'working' })]);
  n.update([
    s('a1', { reason: 'permission', detail: 'Bash rm -rf build' }),
    s('a2', { reason: 'question', detail: 'Which one?' }),
  ]);
  expect(notes).toHaveLength(2);
  const perm = notes.find((x) => x.actions)!;
  expect(perm.actions).toEqual([
    { type: 'button', text: 'Approve' },
    { type: 'button', text: 'Deny' },
  ]);
  perm.on.get('action')!({}, 1);
  perm.on.get('action')!({}, 0);
  expect(calls).toEqual([
    ['a1', 'no', 'Bash rm -rf build'],
    ['a1', 'yes', 'Bash rm -rf build'],
  ]);
  expect(notes.filter((x) => !x.actions)).toHaveLength(1);
});
