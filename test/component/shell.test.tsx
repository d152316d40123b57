// The desktop shell's channels: the window reports its tabs, and obeys menu/tray/notification
// commands. Browser-mode notifications on state transitions.
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { App } from '../../src/renderer/src/App.tsx';
import { notificationText } from '../../src/renderer/src/notify.ts';
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

  test('texts say who and why', () => {
    expect(
      notificationText(
        session('a1', 'feature/login', {
          host: 'devbox',
          state: 'waiting',
          reason: 'permission',
          detail: 'Edit notes.txt',
        }),
      ),
    ).toBe('feature/login on devbox wants permission to Edit notes.txt');
    expect(
      notificationText(session('a1', 'fix', { state: 'waiting', reason: 'input', detail: 'What name?' })),
    ).toBe('fix is waiting: What name?');
    expect(notificationText(session('a1', 'fix', { state: 'exited', exitCode: 3 }))).toBe(
      'fix exited (code 3)',
    );
    expect(notificationText(session('a1', 'fix', { state: 'working' }))).toBeNull();
  });

  test('a session starting to wait notifies; clicking the notification opens its tab', async () => {
    const shown: Array<{ body: string; onclick: (() => void) | null }> = [];
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      body: string;
      onclick: (() => void) | null = null;
      constructor(_title: string, o: { body: string }) {
        this.body = o.body;
        shown.push(this);
      }
      close() {}
    }
    vi.stubGlobal('Notification', FakeNotification);
    const w = world({ listSessions: two });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    const waiting = session('b2', 'fix/typo', {
      state: 'waiting',
      reason: 'permission',
      detail: 'Bash rm -rf build',
    });
    act(() => w.emit('sessionState', { id: 'b2', from: 'working', to: 'waiting', session: waiting }));
    act(() =>
      w.emit('sessionState', { id: 'a1', from: 'idle', to: 'working', session: session('a1', 'feat/login') }),
    );
    expect(shown.map((n) => n.body)).toEqual(['fix/typo wants permission to Bash rm -rf build']);
    act(() => shown[0]!.onclick!());
    expect(screen.getByRole('tab', { selected: true }).textContent).toContain('fix/typo');
  });
});
