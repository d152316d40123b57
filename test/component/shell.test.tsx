// The desktop shell's channels: the window reports its tabs, and obeys menu/tray/notification
// commands. Browser-mode notifications on state transitions.
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { App } from '../../src/renderer/src/App.tsx';
import { session } from './fake-api.tsx';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

const two = () => [session('a1', 'feat/login'), session('b2', 'fix/typo')];

describe('desktop shell commands', () => {
  test('restoreTabs opens the saved tabs; the window reports every tab change with tabsChanged', async () => {
    const w = world({ listSessions: two });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    act(() =>
      w.emit('shellCommand', { kind: 'restoreTabs', open: ['b2', 'a1'], active: 'a1', dropped: ['zz'] }),
    );
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.querySelector('.tab-branch')!.textContent)).toEqual(['fix/typo', 'feat/login']);
    expect(screen.getByRole('tab', { selected: true }).textContent).toContain('feat/login');
    const reports = w.sends.filter((s) => s.name === 'tabsChanged').map((s) => s.payload);
    expect(reports.at(-1)).toEqual({ open: ['b2', 'a1'], active: 'a1' });
    act(() => screen.getByRole('button', { name: 'Close tab feat/login' }).click());
    expect(w.sends.filter((s) => s.name === 'tabsChanged').at(-1)!.payload).toEqual({
      open: ['b2'],
      active: 'b2',
    });
  });

  test('openSession, newSession and showDashboard from the menu or a notification', async () => {
    const w = world({ listSessions: two });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    act(() => w.emit('shellCommand', { kind: 'openSession', id: 'b2' }));
    expect(screen.getByRole('tab', { selected: true }).textContent).toContain('fix/typo');
    act(() => w.emit('shellCommand', { kind: 'newSession' }));
    expect(screen.getByRole('dialog', { name: 'New session' })).toBeTruthy();
    act(() => w.emit('shellCommand', { kind: 'showDashboard' }));
    expect(screen.getByRole('region', { name: 'Dashboard' })).toBeTruthy();
  });
});

describe('browser notifications', () => {
  afterEach(() => vi.unstubAllGlobals());

  function fakeNotifications() {
    const shown: Array<{ title: string; body: string; onclick: (() => void) | null }> = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      title: string;
      body: string;
      onclick: (() => void) | null = null;
      constructor(title: string, o: { body: string }) {
        this.title = title;
        this.body = o.body;
        shown.push(this);
      }
      close() {}
    }
    vi.stubGlobal('Notification', FakeNotification);
    return shown;
  }

  test('a session starting to wait notifies in the words of the shell; clicking opens its tab', async () => {
    const shown = fakeNotifications();
    const w = world({ listSessions: two, preferences: () => ({ defaultAgent: 'fake' }) });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    const waiting = session('b2', 'fix/typo', {
      state: 'waiting',
      reason: 'permission',
      detail: 'Bash rm -rf build',
    });
    // The server pushes the list on subscribe: that first one is only the baseline.
    act(() => w.emit('sessionsChanged', two()));
    act(() => w.emit('sessionsChanged', [session('a1', 'feat/login', { state: 'working' }), waiting]));
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    // The same text as the desktop shell's native notification (src/shared/fleet.ts).
    expect(shown[0]).toMatchObject({
      title: 'fix/typo on this machine wants permission to Bash rm -rf build',
      body: 'web · fake',
    });
    act(() => shown[0]!.onclick!());
    expect(screen.getByRole('tab', { selected: true }).textContent).toContain('fix/typo');
  });

  test('the mute preferences hold in browser mode too: all muted, or one agent profile', async () => {
    const shown = fakeNotifications();
    let prefs: { muted?: boolean; mutedProfiles?: string[] } = { muted: true };
    const w = world({
      listSessions: two,
      preferences: () => ({ defaultAgent: 'fake', notifications: prefs }),
    });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    const exited = (id: string, b: string, agent: string) =>
      session(id, b, { state: 'exited', exitCode: 1, agent });
    act(() => w.emit('sessionsChanged', two()));
    act(() => w.emit('sessionsChanged', [exited('a1', 'feat/login', 'fake'), session('b2', 'fix/typo')]));
    await vi.waitFor(() => expect(w.calls('preferences')).toHaveLength(1));
    prefs = { mutedProfiles: ['fake'] };
    act(() =>
      w.emit('sessionsChanged', [exited('a1', 'feat/login', 'fake'), exited('b2', 'fix/typo', 'other')]),
    );
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]!.title).toBe('fix/typo on this machine exited with code 1');
    expect(w.calls('preferences')).toHaveLength(2);
  });
});
