import { expect, test } from 'vitest';
import type { SessionInfo } from '../../src/shared/model.ts';
import { fleetNotices, fleetView, noticeFor, stateMap, trayImage } from '../../src/shared/fleet.ts';

let n = 0;
function s(over: Partial<SessionInfo>): SessionInfo {
  n++;
  return {
    id: `s${n}`,
    repo: 'app',
    repoPath: '/r/app',
    branch: `b${n}`,
    worktree: `/w/${n}`,
    host: 'local',
    agent: 'claude',
    state: 'idle',
    pid: 1,
    createdAt: `2026-01-01T00:00:0${n % 10}Z`,
    tmuxSession: 't',
    paneId: '%1',
    ...over,
  };
}

test('fleet state and tray image: all idle / some working / some waiting with a count', () => {
  const idle = fleetView([s({}), s({ state: 'exited', exitCode: 0 })]);
  expect(idle).toMatchObject({ state: 'idle', image: 'idle', title: '' });
  expect(idle.tooltip).toBe('Orchard: 2 sessions, all idle');
  const working = fleetView([s({}), s({ state: 'working' }), s({ state: 'starting' })]);
  expect(working).toMatchObject({ state: 'working', image: 'working', title: '' });
  expect(working.counts.working).toBe(2);
  const w1 = s({ state: 'waiting', reason: 'permission' });
  const w2 = s({ state: 'waiting', reason: 'input' });
  const waiting = fleetView([w2, s({ state: 'working' }), w1]);
  expect(waiting).toMatchObject({ state: 'waiting', image: 'waiting', title: '2' });
  expect(waiting.tooltip).toBe('Orchard: 3 sessions, 2 waiting, 1 working');
  expect(waiting.waiting.map((x) => x.id)).toEqual([w1.id, w2.id].sort((a, b) => (a < b ? -1 : 1)));
  expect(
    trayImage({
      total: 0,
      working: 0,
      waiting: 0,
      idle: 0,
      exited: 0,
      unreachable: 0,
      stopped: 0,
      unknown: 0,
    }),
  ).toBe('idle');
  expect(fleetView([]).tooltip).toBe('Orchard: 0 sessions');
});

test('notification text says who wants what, where', () => {
  const w = s({
    branch: 'feature/login',
    host: 'devbox',
    state: 'waiting',
    reason: 'permission',
    detail: 'Edit notes.txt',
  });
  expect(noticeFor('working', w)).toEqual({
    session: w.id,
    agent: 'claude',
    title: 'feature/login on devbox wants permission to Edit notes.txt',
    body: 'app · claude',
  });
  const q = s({ branch: 'x', state: 'waiting', reason: 'input', detail: 'Claude is waiting for your input' });
  expect(noticeFor('idle', q)).toMatchObject({
    title: 'x on this machine is waiting for your input',
    body: 'Claude is waiting for your input',
  });
  const dead = s({ branch: 'hog', state: 'exited', exitCode: 137, reason: 'killed: memory limit 150M' });
  expect(noticeFor('working', dead)?.title).toBe(
    'hog on this machine exited with code 137 (killed: memory limit 150M)',
  );
  // Nothing for first sight, for becoming idle or working, or for the same state again.
  expect(noticeFor(null, w)).toBeNull();
  expect(noticeFor('waiting', s({ state: 'working' }))).toBeNull();
  expect(noticeFor('waiting', w, undefined, 'permission')).toBeNull();
  // A new reason while still waiting is news.
  expect(noticeFor('waiting', w, undefined, 'input')).not.toBeNull();
});

test('global and per-profile mute', () => {
  const w = s({ state: 'waiting', reason: 'permission', agent: 'codex' });
  expect(noticeFor('working', w, { muted: true })).toBeNull();
  expect(noticeFor('working', w, { mutedProfiles: ['codex'] })).toBeNull();
  expect(noticeFor('working', w, { mutedProfiles: ['claude'] })).not.toBeNull();
});

test('fleetNotices compares two lists', () => {
  const a = s({ state: 'working' });
  const b = s({ state: 'idle' });
  const before = stateMap([a, b]);
  const now = [{ ...a, state: 'waiting' as const, reason: 'permission' }, b, s({ state: 'waiting' })];
  const notes = fleetNotices(before, now);
  expect(notes.map((x) => x.session)).toEqual([a.id]);
  expect(fleetNotices(before, now, { muted: true })).toEqual([]);
});
