import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import { App } from '../../src/renderer/src/App.tsx';
import { moveTab } from '../../src/renderer/src/state/tabs.ts';
import { dataTransfer, gate, session } from './fake-api.tsx';
import type { SessionInfo } from '../../src/shared/model.ts';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

async function dragBranchToTabBar(name: string) {
  const item = await screen.findByRole('treeitem', { name });
  const dt = dataTransfer();
  fireEvent.dragStart(item, { dataTransfer: dt });
  const bar = screen.getByRole('tablist', { name: 'Sessions' });
  fireEvent.dragOver(bar, { dataTransfer: dt });
  fireEvent.drop(bar, { dataTransfer: dt });
}

async function openWebRepo() {
  const user = userEvent.setup();
  const repo = await screen.findByRole('treeitem', { name: 'web' });
  await user.click(within(repo).getByText('web'));
  await screen.findByRole('treeitem', { name: 'fix/typo' });
  return user;
}

/** Tab labels in order: branch, host when remote, state (what the tab's accessible name holds). */
const tabNames = () =>
  screen.queryAllByRole('tab').map((t) =>
    Array.from(t.querySelectorAll('.tab-branch, .tab-host, .badge-text'))
      .map((e) => e.textContent)
      .join(' '),
  );

describe('tabs', () => {
  test('dragging a branch onto the tab bar spawns it with the default agent, shows progress, then its tab', async () => {
    const spawned = gate<SessionInfo>();
    const w = world({ spawn: () => spawned.promise });
    render(<App api={w.api} />);
    await openWebRepo();
    await dragBranchToTabBar('fix/typo');
    expect(w.calls('spawn')).toEqual([{ repo: 'web', branch: 'fix/typo' }]);
    // An impatient second drop does not start a second agent.
    await dragBranchToTabBar('fix/typo');
    expect(w.calls('spawn')).toHaveLength(1);
    // While the worktree is made, the bar says so.
    const progress = await screen.findByRole('status');
    expect(progress.textContent).toContain('fix/typo');
    expect(progress.textContent).toContain('worktree');
    await act(async () => spawned.release(session('b2', 'fix/typo', { state: 'starting' })));
    const tab = await screen.findByRole('tab', { name: /fix\/typo/ });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    const panel = screen.getByRole('tabpanel');
    expect(panel.getAttribute('aria-labelledby')).toBe(tab.id);
    expect(within(panel).getByTestId('terminal-b2').dataset.active).toBe('true');
    expect(screen.queryByRole('status')).toBeNull();
    // The branch list is reloaded so the worktree marker appears.
    expect(w.calls('branches').length).toBeGreaterThanOrEqual(2);
  });

  test('a failed spawn shows the engine’s message in an alert and no tab', async () => {
    const w = world({
      spawn: () => {
        throw new OrchardError('admission-refused', 'not enough memory on local: 1.2 GiB available');
      },
    });
    render(<App api={w.api} />);
    await openWebRepo();
    await dragBranchToTabBar('fix/typo');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'Could not start fix/typo: not enough memory on local: 1.2 GiB available',
    );
    expect(screen.queryAllByRole('tab')).toEqual([]);
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('dropping a branch that already has a session opens that session instead of spawning', async () => {
    const w = world();
    render(<App api={w.api} />);
    await openWebRepo();
    await dragBranchToTabBar('feat/login');
    expect((await screen.findByRole('tab', { name: /feat\/login/ })).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(w.calls('spawn')).toEqual([]);
  });

  test('tabs carry branch, host (when remote) and state; × detaches without killing', async () => {
    const remote = session('c3', 'perf', { repo: 'svc', host: 'devbox', state: 'working' });
    const w = world({ listSessions: () => [session('a1', 'feat/login'), remote] });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
    await user.click(screen.getByRole('button', { name: 'Open perf' }));
    await user.click(screen.getByRole('button', { name: /^Sessions/ }));
    await user.click(screen.getByRole('button', { name: 'Open feat/login' }));
    expect(tabNames()).toEqual(['perf devbox working', 'feat/login idle']);
    expect(screen.getByRole('tab', { name: 'perf devbox working' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Close tab feat/login' }));
    expect(tabNames()).toEqual(['perf devbox working']);
    expect(screen.getByRole('tab', { name: /perf/ }).getAttribute('aria-selected')).toBe('true');
    expect(w.calls('kill')).toEqual([]);
  });

  test('middle-click detaches; a tab whose session vanishes stays, marked stopped, until closed', async () => {
    const w = world({ listSessions: () => [session('a1', 'feat/login'), session('d4', 'fix/typo')] });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    for (const b of ['feat/login', 'fix/typo']) {
      await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
      await user.click(screen.getByRole('button', { name: `Open ${b}` }));
    }
    expect(screen.getAllByRole('tab')).toHaveLength(2);
    fireEvent(
      screen.getByRole('tab', { name: /fix\/typo/ }),
      new MouseEvent('auxclick', { bubbles: true, button: 1 }),
    );
    expect(tabNames()).toEqual(['feat/login idle']);
    act(() => w.emit('sessionsChanged', []));
    // The tmux server died (or the session was killed elsewhere): the open tab says so.
    expect(tabNames()).toEqual(['feat/login stopped']);
    const tab = screen.getByRole('tab', { name: /feat\/login/ });
    expect(tab.getAttribute('data-gone')).toBe('true');
    expect(tab.title).toContain('its tmux session is gone');
    // Back in the list: the mark goes.
    act(() => w.emit('sessionsChanged', [session('a1', 'feat/login')]));
    expect(tabNames()).toEqual(['feat/login idle']);
    expect(screen.getByRole('tab', { name: /feat\/login/ }).getAttribute('data-gone')).toBeNull();
    act(() => w.emit('sessionsChanged', []));
    fireEvent(
      screen.getByRole('tab', { name: /feat\/login/ }),
      new MouseEvent('auxclick', { bubbles: true, button: 1 }),
    );
    expect(screen.queryAllByRole('tab')).toEqual([]);
  });

  test('tabs reorder by drag, and keyboard shortcuts switch and cycle', async () => {
    const list = [session('a1', 'one'), session('b2', 'two'), session('c3', 'three')];
    localStorage.setItem('orchard.tabs', JSON.stringify(['a1', 'b2', 'c3']));
    const w = world({ listSessions: () => list });
    render(<App api={w.api} />);
    await screen.findByRole('tab', { name: /three/ });
    expect(tabNames()).toEqual(['one idle', 'two idle', 'three idle']);
    // Drag "three" before "one".
    const dt = dataTransfer();
    fireEvent.dragStart(screen.getByRole('tab', { name: /three/ }), { dataTransfer: dt });
    const first = screen.getByRole('tab', { name: /one/ });
    fireEvent.dragOver(first, { dataTransfer: dt });
    fireEvent.drop(first, { dataTransfer: dt });
    expect(tabNames()).toEqual(['three idle', 'one idle', 'two idle']);
    expect(JSON.parse(localStorage.getItem('orchard.tabs')!)).toEqual(['c3', 'a1', 'b2']);

    const selected = () =>
      screen.getByRole('tab', { selected: true }).querySelector('.tab-branch')!.textContent;
    fireEvent.keyDown(window, { key: '3', code: 'Digit3', ctrlKey: true });
    expect(selected()).toBe('two');
    fireEvent.keyDown(window, { key: 'Tab', code: 'Tab', ctrlKey: true });
    expect(selected()).toBe('three');
    fireEvent.keyDown(window, { key: 'Tab', code: 'Tab', ctrlKey: true, shiftKey: true });
    expect(selected()).toBe('two');
    fireEvent.keyDown(window, { key: 'T', code: 'KeyT', ctrlKey: true, shiftKey: true });
    expect(screen.getByRole('dialog', { name: 'New session' })).toBeTruthy();
  });

  test('moveTab puts a tab before the drop target', () => {
    expect(moveTab(['a', 'b', 'c'], 'c', 0)).toEqual(['c', 'a', 'b']);
    expect(moveTab(['a', 'b', 'c'], 'a', 2)).toEqual(['b', 'a', 'c']);
    expect(moveTab(['a', 'b', 'c'], 'a', 3)).toEqual(['b', 'c', 'a']);
    expect(moveTab(['a', 'b', 'c'], 'x', 0)).toEqual(['a', 'b', 'c']);
  });

  test('state changes pushed by the server show on the tab', async () => {
    const w = world({ listSessions: () => [session('a1', 'feat/login')] });
    localStorage.setItem('orchard.tabs', JSON.stringify(['a1']));
    render(<App api={w.api} />);
    expect(await screen.findByRole('tab', { name: 'feat/login idle' })).toBeTruthy();
    act(() =>
      w.emit('sessionsChanged', [session('a1', 'feat/login', { state: 'waiting', reason: 'permission' })]),
    );
    await waitFor(() =>
      expect(screen.getByRole('tab', { name: 'feat/login waiting · permission' })).toBeTruthy(),
    );
    expect(document.title).toBe('Orchard (1 waiting)');
  });
});

describe('the page’s connection', () => {
  test('Reconnecting…, then "stopped" when the origin is gone for good; cleared when it is back', async () => {
    const w = world({ listSessions: () => [] });
    render(<App api={w.api} />);
    await screen.findByRole('tablist', { name: 'Sessions' });
    act(() => w.emit('connection', { connected: false }));
    expect(screen.getByText('Reconnecting…')).toBeTruthy();
    act(() => w.emit('connection', { connected: false, stopped: true }));
    expect(screen.getByText('this orchard web has stopped; open the URL it prints')).toBeTruthy();
    act(() => w.emit('connection', { connected: true }));
    expect(screen.queryByText(/has stopped|Reconnecting/)).toBeNull();
  });
});
