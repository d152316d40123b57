// Stopped and exited sessions in the window: greyed tabs and cards with Resume / Restart / Forget,
// a fresh terminal once the session is back, and "Resume all" for a host whose tmux server is new.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { App } from '../../src/renderer/src/App.tsx';
import { freshHosts } from '../../src/renderer/src/components/Revive.tsx';
import type { SessionInfo } from '../../src/shared/model.ts';
import { session } from './fake-api.tsx';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

const stopped = (id: string, branch: string, extra: Partial<SessionInfo> = {}) =>
  session(id, branch, {
    state: 'stopped',
    pid: null,
    paneId: '',
    lastSeen: '2026-12-01T10:00:00.000Z',
    ...extra,
  });

describe('stopped and exited sessions', () => {
  test('a stopped tab is greyed with no terminal; Resume brings a terminal back; Resume all per fresh host', async () => {
    const s = stopped('c1', 'feat/login');
    let list = [s];
    const w = world({
      listSessions: () => list,
      resume: ({ id, fresh }) => ({
        id,
        host: 'local',
        how: fresh ? ('fresh' as const) : ('resumed' as const),
        session: { ...s, state: 'starting', pid: 42, paneId: '%3', lastSeen: undefined },
      }),
      resumeAll: () => ({ resumed: [], failed: [] }),
    });
    const user = userEvent.setup();
    render(<App api={w.api} />);
    await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
    const card = await screen.findByRole('listitem', { name: 'feat/login' });
    expect(within(card).getByText(/^last seen /)).toBeTruthy();
    await user.click(within(card).getByRole('button', { name: 'Open feat/login' }));
    const tab = await screen.findByRole('tab', { name: /feat\/login/ });
    expect(tab.closest('.tab-wrap')!.className).toContain('stopped');
    const panel = screen.getByRole('tabpanel');
    expect(within(panel).queryByTestId('terminal-c1')).toBeNull();
    expect(within(panel).getByText(/^Stopped: the tmux session of feat\/login is gone/)).toBeTruthy();
    // The only host with sessions has them all stopped: its tmux server is new.
    const banner = screen.getByRole('status', { name: 'Stopped sessions on local' });
    await user.click(within(banner).getByRole('button', { name: 'Resume all' }));
    expect(w.calls('resumeAll')).toEqual([{ host: 'local' }]);

    await user.click(within(panel).getByRole('button', { name: 'Resume feat/login' }));
    expect(w.calls('resume')).toEqual([{ id: 'c1', fresh: false }]);
    await waitFor(() => expect(within(panel).getByTestId('terminal-c1')).toBeTruthy());
    expect(tab.closest('.tab-wrap')!.className).not.toContain('stopped');
    list = [{ ...s, state: 'idle', pid: 42, paneId: '%3' }];
    await act(async () => w.emit('sessionsChanged', list));
    expect(screen.queryByRole('status', { name: 'Stopped sessions on local' })).toBeNull();
  });

  test('an exited agent: Restart over its terminal; a stopped one: Forget closes the tab', async () => {
    const exited = session('e1', 'fix/typo', { state: 'exited', exitCode: 0 });
    const gone = stopped('g1', 'feat/login');
    const w = world({
      listSessions: () => [exited, gone],
      resume: ({ id }) => ({
        id,
        host: 'local',
        how: 'fresh' as const,
        session: { ...exited, state: 'starting' },
      }),
      forget: ({ id }) => ({ id, host: 'local', worktree: gone.worktree }),
    });
    const user = userEvent.setup();
    render(<App api={w.api} />);
    await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
    const card = await screen.findByRole('listitem', { name: 'fix/typo' });
    expect(within(card).queryByRole('button', { name: 'Forget fix/typo' })).toBeNull();
    await user.click(within(card).getByRole('button', { name: 'Open fix/typo' }));
    const panel = await screen.findByRole('tabpanel');
    expect(within(panel).getByTestId('terminal-e1')).toBeTruthy();
    expect(within(panel).getByText('The agent of fix/typo exited (code 0).')).toBeTruthy();
    await user.click(within(panel).getByRole('button', { name: 'Restart fix/typo' }));
    expect(w.calls('resume')).toEqual([{ id: 'e1', fresh: true }]);
    await waitFor(() => expect(within(panel).queryByText(/exited/)).toBeNull());

    await user.click(screen.getByRole('button', { name: /^Sessions/ }));
    const g = await screen.findByRole('listitem', { name: 'feat/login' });
    await user.click(within(g).getByRole('button', { name: 'Forget feat/login' }));
    expect(w.calls('forget')).toEqual([{ id: 'g1' }]);
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'feat/login' })).toBeNull());
  });
});

test('freshHosts: hosts whose sessions are all stopped', () => {
  expect(
    freshHosts([
      stopped('a', 'x'),
      stopped('b', 'y', { host: 'devbox' }),
      session('c', 'z', { host: 'devbox' }),
    ]),
  ).toEqual([{ host: 'local', count: 1 }]);
});
