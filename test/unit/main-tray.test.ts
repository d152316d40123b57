// Tray and notifications follow the fleet; the menu has Orchard's commands; "Stop all" asks first.
// `electron` is stubbed (Tray, Menu, nativeImage, Notification record what they are given).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionInfo, SessionState } from '../../src/shared/model.ts';

const h = vi.hoisted(() => ({
  trays: [] as {
    image: string;
    tooltip: string;
    title: string;
    menu: unknown[];
    events: Map<string, () => void>;
  }[],
  notes: [] as { title: string; body: string; click?: () => void; shown: boolean }[],
}));

vi.mock('electron', () => {
  const nativeImage = { createFromPath: (p: string) => ({ path: p }) };
  class Tray {
    readonly rec = {
      image: '',
      tooltip: '',
      title: '',
      menu: [] as unknown[],
      events: new Map<string, () => void>(),
    };
    constructor(img: { path: string }) {
      this.rec.image = img.path;
      h.trays.push(this.rec);
    }
    setImage(img: { path: string }) {
      this.rec.image = img.path;
    }
    setToolTip(t: string) {
      this.rec.tooltip = t;
    }
    setTitle(t: string) {
      this.rec.title = t;
    }
    setContextMenu(m: { template: unknown[] }) {
      this.rec.menu = m.template;
    }
    on(ev: string, fn: () => void) {
      this.rec.events.set(ev, fn);
    }
    destroy() {}
  }
  const Menu = { buildFromTemplate: (template: unknown[]) => ({ template }) };
  class Notification {
    static isSupported = () => true;
    readonly rec: { title: string; body: string; click?: () => void; shown: boolean };
    constructor(o: { title: string; body: string }) {
      this.rec = { ...o, shown: false };
      h.notes.push(this.rec);
    }
    on(ev: string, fn: () => void) {
      if (ev === 'click') this.rec.click = fn;
    }
    show() {
      this.rec.shown = true;
    }
  }
  return { Tray, Menu, nativeImage, Notification };
});

const { FleetTray, trayImagePath } = await import('../../src/main/tray.ts');
const { FleetNotifier } = await import('../../src/main/notifications.ts');
const { appMenuTemplate } = await import('../../src/main/menu.ts');
const { stopAllSessions } = await import('../../src/main/commands.ts');

const RESOURCES = join(import.meta.dirname, '../../resources');

function s(id: string, state: SessionState, extra: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id,
    repo: 'shop',
    repoPath: '/r/shop',
    branch: `feat-${id}`,
    worktree: `/r/shop.worktrees/feat-${id}`,
    host: 'local',
    agent: 'claude',
    state,
    pid: 1,
    createdAt: '2026-01-01T00:00:00Z',
    tmuxSession: `orchard-${id}`,
    paneId: '%1',
    ...extra,
  };
}

type Item = { label?: string; click?: () => void; enabled?: boolean; type?: string };

beforeEach(() => {
  h.trays.length = 0;
  h.notes.length = 0;
});

describe('tray', () => {
  it('has a real image for every fleet state', () => {
    for (const state of ['idle', 'working', 'waiting'] as const) {
      expect(existsSync(trayImagePath(RESOURCES, state))).toBe(true);
      expect(existsSync(trayImagePath(RESOURCES, state).replace('.png', '@2x.png'))).toBe(true);
    }
  });

  it('image, tooltip and menu follow the fleet state; waiting sessions are listed and open their tab', () => {
    const opened: string[] = [];
    const actions = { show: vi.fn(), openSession: (id: string) => opened.push(id), quit: vi.fn() };
    const tray = new FleetTray(RESOURCES, actions);
    const rec = h.trays[0]!;
    const image = () => rec.image.slice(RESOURCES.length + 1);

    expect(image()).toBe('tray/idle.png');
    tray.update([s('a1', 'idle'), s('b2', 'exited')]);
    expect(image()).toBe('tray/idle.png');
    expect(rec.tooltip).toBe('Orchard: 2 sessions, all idle');

    tray.update([s('a1', 'working'), s('b2', 'idle')]);
    expect(image()).toBe('tray/working.png');
    expect(rec.tooltip).toBe('Orchard: 2 sessions, 1 working');

    tray.update([s('a1', 'working'), s('b2', 'waiting'), s('c3', 'waiting')]);
    expect(image()).toBe('tray/waiting.png');
    expect(rec.tooltip).toBe('Orchard: 3 sessions, 2 waiting, 1 working');
    const menu = rec.menu as Item[];
    expect(menu.map((i) => i.label ?? i.type)).toEqual([
      'Waiting (2)',
      'shop · feat-b2',
      'shop · feat-c3',
      'separator',
      'Show Orchard',
      'Quit (agents keep running)',
    ]);
    menu[2]!.click!();
    expect(opened).toEqual(['c3']);
    menu.find((i) => i.label === 'Show Orchard')!.click!();
    expect(actions.show).toHaveBeenCalledTimes(1);
    menu.find((i) => i.label?.startsWith('Quit'))!.click!();
    expect(actions.quit).toHaveBeenCalledTimes(1);

    tray.update([s('a1', 'idle')]);
    expect(image()).toBe('tray/idle.png');
    expect((rec.menu as Item[])[0]!.label).toBe('No session is waiting');
    rec.events.get('click')!();
    expect(actions.show).toHaveBeenCalledTimes(2);
  });
});

describe('notifications', () => {
  it('on waiting and exited transitions only (not for the first list), click opens the tab', () => {
    const opened: string[] = [];
    let enabled = true;
    const n = new FleetNotifier({
      enabled: () => enabled,
      prefs: () => ({ mutedProfiles: ['aider'] }),
      openSession: (id) => opened.push(id),
    });
    expect(n.update([s('a1', 'waiting'), s('b2', 'working')])).toEqual([]);
    n.update([
      s('a1', 'waiting'),
      s('b2', 'waiting', { reason: 'permission', detail: 'Edit notes.txt' }),
      s('c3', 'working'),
    ]);
    n.update([s('a1', 'exited', { exitCode: 3 }), s('b2', 'waiting'), s('c3', 'idle')]);
    expect(h.notes.map((x) => [x.title, x.body, x.shown])).toEqual([
      ['feat-b2 on this machine wants permission to Edit notes.txt', 'shop · claude', true],
      ['feat-a1 on this machine exited with code 3', 'shop · claude', true],
    ]);
    h.notes[0]!.click!();
    expect(opened).toEqual(['b2']);
    // muted profile, and notifications off
    n.update([s('d4', 'working', { agent: 'aider' })]);
    n.update([s('d4', 'waiting', { agent: 'aider' })]);
    enabled = false;
    n.update([s('d4', 'exited', { agent: 'claude' })]);
    n.note('1 tab closed');
    expect(h.notes).toHaveLength(2);
    enabled = true;
    n.note('1 tab closed: its session is gone (e5)');
    expect(h.notes.at(-1)).toMatchObject({
      title: 'Orchard',
      body: '1 tab closed: its session is gone (e5)',
      shown: true,
    });
  });
});

describe('menu and Stop all', () => {
  it('has the usual roles and Orchard commands', () => {
    const actions = { newSession: vi.fn(), showDashboard: vi.fn(), stopAllSessions: vi.fn() };
    for (const platform of ['linux', 'darwin'] as const) {
      const t = appMenuTemplate(actions, platform);
      const roles = t.map((m) => m.role).filter(Boolean);
      expect(roles).toEqual(expect.arrayContaining(['editMenu', 'viewMenu', 'windowMenu']));
      if (platform === 'darwin') expect(roles).toContain('appMenu');
      const orchard = t.find((m) => Array.isArray(m.submenu))!.submenu as Item[];
      const labels = orchard.map((i) => i.label).filter(Boolean);
      expect(labels).toEqual(['New Session…', 'Show Dashboard', 'Stop All Sessions…']);
      orchard.find((i) => i.label === 'Stop All Sessions…')!.click!();
    }
    expect(actions.stopAllSessions).toHaveBeenCalledTimes(2);
  });

  it('Stop all asks first: no means nothing is killed; yes kills each, failures reported', async () => {
    const list = async () => [s('a1', 'working'), s('b2', 'waiting'), s('c3', 'unreachable')];
    const kill = vi.fn(async (id: string) => {
      if (id === 'b2') throw new Error('tmux said no');
    });
    const asked: string[][] = [];
    const no = await stopAllSessions({
      list,
      kill,
      confirm: async (xs) => (asked.push(xs.map((x) => x.id)), false),
    });
    expect(no).toEqual({ asked: true, stopped: [], failed: [] });
    expect(kill).not.toHaveBeenCalled();
    const yes = await stopAllSessions({ list, kill, confirm: async () => true });
    expect(kill.mock.calls.map((c) => c[0])).toEqual(['a1', 'b2']);
    expect(yes).toEqual({ asked: true, stopped: ['a1'], failed: [{ id: 'b2', message: 'tmux said no' }] });
    expect(asked).toEqual([['a1', 'b2']]);
    const none = await stopAllSessions({ list: async () => [], kill, confirm: async () => true });
    expect(none.asked).toBe(false);
  });
});
