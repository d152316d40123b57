import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { App } from '../../src/renderer/src/App.tsx';
import { gate, session, type FakeApi } from './fake-api.tsx';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

async function openNewSession(w: FakeApi) {
  const user = userEvent.setup();
  render(<App api={w.api} />);
  await screen.findByRole('treeitem', { name: 'web' });
  await user.click(screen.getByRole('button', { name: 'New session' }));
  const dialog = screen.getByRole('dialog', { name: 'New session' });
  // The branch list of the first repo is loaded for the picker.
  await within(dialog).findByRole('option', { name: 'fix/typo' });
  return { user, dialog };
}

describe('New session dialog', () => {
  test('existing branch + agent profile: spawns, shows progress meanwhile, opens the tab', async () => {
    const spawned = gate<SessionInfo>();
    const w = world({ spawn: () => spawned.promise });
    const { user, dialog } = await openNewSession(w);
    expect((within(dialog).getByRole('combobox', { name: 'Agent' }) as HTMLSelectElement).value).toBe('fake');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Branch' }), 'fix/typo');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Agent' }), 'codex');
    await user.click(within(dialog).getByRole('button', { name: 'Start session' }));
    expect(w.calls('spawn')).toEqual([{ repo: 'web', branch: 'fix/typo', agent: 'codex' }]);
    expect(within(dialog).getByRole('status').textContent).toContain('Creating worktree');
    expect(
      (within(dialog).getByRole('button', { name: 'Start session' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    await act(async () => spawned.release(session('e5', 'fix/typo', { agent: 'codex' })));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('tab', { name: /fix\/typo/ }).getAttribute('aria-selected')).toBe('true');
  });

  test('new branch from a base: sends newBranch and from; an engine error stays in the dialog', async () => {
    const w = world({
      spawn: ({ branch }) => {
        throw new OrchardError('invalid-branch-name', `${branch} is not a valid branch name`);
      },
    });
    const { user, dialog } = await openNewSession(w);
    await user.click(within(dialog).getByRole('radio', { name: 'New branch from base' }));
    expect((within(dialog).getByRole('combobox', { name: 'Base' }) as HTMLSelectElement).value).toBe('main');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Base' }), 'feat/login');
    // Enter in the name field submits.
    await user.type(within(dialog).getByRole('textbox', { name: 'New branch name' }), 'bad..name{Enter}');
    expect(await within(dialog).findByRole('alert')).toHaveProperty(
      'textContent',
      'bad..name is not a valid branch name',
    );
    expect(w.calls('spawn')).toEqual([
      { repo: 'web', branch: 'bad..name', newBranch: true, from: 'feat/login', agent: 'fake' },
    ]);
    // No tab, no global toast: the dialog is where the user looks.
    expect(screen.queryAllByRole('tab')).toEqual([]);
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });

  test('a repo on another host loads its own branches', async () => {
    const w = world({ spawn: (p) => session('f6', p.branch, { repo: 'svc', host: 'devbox' }) });
    const { user, dialog } = await openNewSession(w);
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Repository' }), 'svc');
    await within(dialog).findByRole('option', { name: 'perf' });
    expect(w.calls('branches')).toContainEqual({ repo: 'svc' });
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Branch' }), 'perf');
    await user.click(within(dialog).getByRole('button', { name: 'Start session' }));
    expect(await screen.findByRole('tab', { name: 'perf devbox idle' })).toBeTruthy();
  });

  test('limits go with the spawn; a bad one is said before any request', async () => {
    const w = world({ spawn: (p) => session('g7', p.branch) });
    const { user, dialog } = await openNewSession(w);
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Branch' }), 'fix/typo');
    await user.type(within(dialog).getByRole('textbox', { name: 'Memory limit' }), 'lots');
    await user.click(within(dialog).getByRole('button', { name: 'Start session' }));
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/not a memory size: "lots"/);
    expect(w.calls('spawn')).toEqual([]);
    await user.clear(within(dialog).getByRole('textbox', { name: 'Memory limit' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Memory limit' }), '4G');
    await user.type(within(dialog).getByRole('textbox', { name: 'CPU limit' }), '150%');
    await user.click(within(dialog).getByRole('button', { name: 'Start session' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(w.calls('spawn')).toEqual([
      { repo: 'web', branch: 'fix/typo', agent: 'fake', limits: { memory: 4 * 1024 ** 3, cpu: 150 } },
    ]);
  });

  test('refused for lack of memory: the dialog offers to start anyway, with force', async () => {
    const w = world({
      spawn: (p) => {
        if (!p.force)
          throw new OrchardError('admission-refused', 'local has 1.2G available; the reserve is 2G');
        return session('h8', p.branch);
      },
    });
    const { user, dialog } = await openNewSession(w);
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Branch' }), 'fix/typo');
    expect(within(dialog).queryByRole('button', { name: 'Start anyway' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Start session' }));
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/reserve is 2G/);
    await user.click(within(dialog).getByRole('button', { name: 'Start anyway' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(w.calls('spawn')).toEqual([
      { repo: 'web', branch: 'fix/typo', agent: 'fake' },
      { repo: 'web', branch: 'fix/typo', agent: 'fake', force: true },
    ]);
  });

  test('Escape closes it without a request', async () => {
    const w = world();
    const { user } = await openNewSession(w);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(w.calls('spawn')).toEqual([]);
  });
});

describe('session grid and Terminate dialog', () => {
  test('cards show branch, host, repo, agent, state, uptime; Terminate asks first, then kills', async () => {
    const w = world({ kill: ({ id }) => ({ id, killed: true, worktreeRemoved: true, worktree: '/w' }) });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
    const card = screen.getByRole('listitem', { name: 'feat/login' });
    for (const text of ['web', 'local', 'fake', 'waiting · permission', '5m'])
      expect(within(card).getByText(text)).toBeTruthy();
    // What it waits for: in the card's detail line (and again beside its Approve / Deny buttons).
    expect(within(card).getAllByText('Edit notes.txt').length).toBeGreaterThan(0);
    await user.click(within(card).getByRole('button', { name: 'Terminate feat/login' }));
    const dialog = screen.getByRole('dialog', { name: 'Terminate feat/login?' });
    expect(w.calls('kill')).toEqual([]);
    await user.click(within(dialog).getByRole('checkbox', { name: /Also remove the worktree/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Terminate' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(w.calls('kill')).toEqual([{ id: 'a1', removeWorktree: true, force: false }]);
    expect(screen.queryByRole('listitem', { name: 'feat/login' })).toBeNull();
    expect(screen.getByText('No sessions yet.')).toBeTruthy();
  });

  test('a dirty worktree is refused; the dialog offers to discard the changes', async () => {
    const w = world({
      kill: ({ id, force }) => {
        if (!force)
          throw new OrchardError(
            'worktree-dirty',
            'worktree /w has uncommitted changes; nothing was killed or removed',
          );
        return { id, killed: true, worktreeRemoved: true, worktree: '/w' };
      },
    });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
    await user.click(screen.getByRole('button', { name: 'Terminate feat/login' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('checkbox', { name: /Also remove the worktree/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Terminate' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('uncommitted changes');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Discard its uncommitted changes' }));
    await user.click(within(dialog).getByRole('button', { name: 'Terminate' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(w.calls('kill')).toEqual([
      { id: 'a1', removeWorktree: true, force: false },
      { id: 'a1', removeWorktree: true, force: true },
    ]);
  });

  test('Cancel terminates nothing; Open opens the session’s tab', async () => {
    const w = world();
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
    await user.click(screen.getByRole('button', { name: 'Terminate feat/login' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(w.calls('kill')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Open feat/login' }));
    expect(screen.getByRole('tab', { name: /feat\/login/ }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel')).toBeTruthy();
  });
});

describe('dashboard slot', () => {
  test('the Dashboard view is there, with a placeholder until the dashboard exists', async () => {
    const w = world();
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Dashboard' }));
    expect(screen.getByRole('region', { name: 'Dashboard' })).toBeTruthy();
  });
});
