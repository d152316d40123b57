import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import { App } from '../../src/renderer/src/App.tsx';
import { treeKeyAction, type TreeItem } from '../../src/renderer/src/components/treeNav.ts';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

async function openRepo(name: string) {
  const user = userEvent.setup();
  const repo = await screen.findByRole('treeitem', { name });
  await user.click(within(repo).getByText(name));
  return { user, repo };
}

describe('sidebar', () => {
  test('shows hosts → repos, and a repo’s local branches once opened, with markers', async () => {
    const w = world();
    render(<App api={w.api} />);
    const tree = await screen.findByRole('tree');
    expect(within(tree).getByRole('treeitem', { name: 'local' })).toBeTruthy();
    expect(within(tree).getByRole('treeitem', { name: 'devbox' })).toBeTruthy();
    expect(await within(tree).findByRole('treeitem', { name: 'svc' })).toBeTruthy();
    // Branches are loaded only when a repo is opened.
    expect(w.calls('branches')).toEqual([]);
    await openRepo('web');
    expect(w.calls('branches')).toEqual([{ repo: 'web' }]);
    const login = await screen.findByRole('treeitem', { name: 'feat/login' });
    expect(login.getAttribute('aria-description')).toBe('has worktree, session waiting · permission');
    expect(screen.getByRole('treeitem', { name: 'main' }).getAttribute('aria-description')).toBe(
      'has worktree',
    );
    expect(screen.getByRole('treeitem', { name: 'fix/typo' }).getAttribute('aria-description')).toBeNull();
    // Remote-tracking refs are not offered as session branches.
    expect(screen.queryByRole('treeitem', { name: 'origin/main' })).toBeNull();
  });

  test('the filter box narrows branches across repos and hides repos without a match', async () => {
    const w = world();
    render(<App api={w.api} />);
    const { user } = await openRepo('web');
    await openRepo('svc');
    await screen.findByRole('treeitem', { name: 'perf' });
    await user.type(screen.getByRole('searchbox', { name: 'Filter branches' }), 'LOG');
    expect(screen.getByRole('treeitem', { name: 'feat/login' })).toBeTruthy();
    expect(screen.queryByRole('treeitem', { name: 'fix/typo' })).toBeNull();
    expect(screen.queryByRole('treeitem', { name: 'perf' })).toBeNull();
    expect(screen.queryByRole('treeitem', { name: 'svc' })).toBeNull();
    await user.keyboard('{Escape}');
    expect(await screen.findByRole('treeitem', { name: 'perf' })).toBeTruthy();
  });

  test('keyboard: arrows move through the tree, Enter on a branch with a session opens its tab', async () => {
    const w = world();
    render(<App api={w.api} />);
    const user = userEvent.setup();
    const local = await screen.findByRole('treeitem', { name: 'local' });
    await screen.findByRole('treeitem', { name: 'web' });
    act(() => local.focus());
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(screen.getByRole('treeitem', { name: 'web' }));
    await user.keyboard('{ArrowRight}');
    await screen.findByRole('treeitem', { name: 'feat/login' });
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement).toBe(screen.getByRole('treeitem', { name: 'feat/login' }));
    await user.keyboard('{Enter}');
    const tab = await screen.findByRole('tab', { name: /feat\/login/ });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    // An existing session is opened, never spawned again.
    expect(w.calls('spawn')).toEqual([]);
  });

  test('a failing branch list says why in the tree', async () => {
    const w = world({
      branches: () => {
        throw new OrchardError('not-a-repo', '/src/web is not a git repository');
      },
    });
    render(<App api={w.api} />);
    await openRepo('web');
    expect(await screen.findByText('/src/web is not a git repository')).toBeTruthy();
  });

  test('"Add repository" on a host sends addRepo with that host and lists the new repo', async () => {
    const w = world({
      addRepo: ({ path, host }) => ({ name: 'api', host: host ?? 'local', path }),
    });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add repository on devbox' }));
    const dialog = screen.getByRole('dialog', { name: 'Add repository' });
    await user.type(within(dialog).getByRole('textbox', { name: /Path/ }), '/home/me/api');
    await user.click(within(dialog).getByRole('button', { name: 'Add repository' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(w.calls('addRepo')).toEqual([{ path: '/home/me/api', host: 'devbox' }]);
    expect(screen.getByRole('treeitem', { name: 'api' })).toBeTruthy();
  });

  test('"Add repository" shows the engine’s error and keeps the dialog open', async () => {
    const w = world({
      addRepo: () => {
        throw new OrchardError('not-a-repo', '/tmp/nothing is not inside a git work tree');
      },
    });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add repository' }));
    const dialog = screen.getByRole('dialog', { name: 'Add repository' });
    await user.type(within(dialog).getByRole('textbox', { name: /Path/ }), '/tmp/nothing{Enter}');
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      '/tmp/nothing is not inside a git work tree',
    );
    expect(w.calls('addRepo')).toEqual([{ path: '/tmp/nothing', host: 'local' }]);
    // Focus is back in the dialog (its fields were disabled meanwhile) and Escape closes it.
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('"Add host" sends addHost and the host appears in the tree', async () => {
    const w = world({ addHost: ({ name, ssh }) => ({ name, kind: 'ssh', address: ssh }) });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add host' }));
    const dialog = screen.getByRole('dialog', { name: 'Add SSH host' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'gpu');
    await user.type(within(dialog).getByRole('textbox', { name: /Address/ }), 'me@gpu.lan:2222');
    await user.click(within(dialog).getByRole('button', { name: 'Add host' }));
    expect(await screen.findByRole('treeitem', { name: 'gpu' })).toBeTruthy();
    expect(w.calls('addHost')).toEqual([{ name: 'gpu', ssh: 'me@gpu.lan:2222' }]);
  });
});

describe('sidebar width', () => {
  test('the separator resizes the sidebar with the arrow keys, within bounds, and remembers it', async () => {
    const w = world();
    render(<App api={w.api} />);
    const user = userEvent.setup();
    const sep = await screen.findByRole('separator', { name: 'Resize sidebar' });
    const nav = screen.getByRole('navigation', { name: 'Repositories' });
    act(() => sep.focus());
    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(sep.getAttribute('aria-valuenow')).toBe('280');
    expect(nav.style.width).toBe('280px');
    expect(localStorage.getItem('orchard.sidebarWidth')).toBe('280');
    for (let i = 0; i < 5; i++) await user.keyboard('{Shift>}{ArrowLeft}{/Shift}');
    expect(sep.getAttribute('aria-valuenow')).toBe('180');
  });
});

describe('tree keys', () => {
  const items: TreeItem[] = [
    { id: 'host:local', parent: null, expandable: true, open: true },
    { id: 'repo:web', parent: 'host:local', expandable: true, open: false },
    { id: 'repo:api', parent: 'host:local', expandable: true, open: true },
    { id: 'branch:api:main', parent: 'repo:api', expandable: false, open: false, activate: () => {} },
  ];
  const [host, web, api, main] = items as [TreeItem, TreeItem, TreeItem, TreeItem];

  test('follow the WAI-ARIA tree pattern', () => {
    expect(treeKeyAction(items, host, 'ArrowDown')).toEqual({ kind: 'focus', id: 'repo:web' });
    expect(treeKeyAction(items, host, 'ArrowUp')).toBeNull();
    expect(treeKeyAction(items, web, 'ArrowRight')).toEqual({ kind: 'toggle', id: 'repo:web', open: true });
    expect(treeKeyAction(items, api, 'ArrowRight')).toEqual({ kind: 'focus', id: 'branch:api:main' });
    expect(treeKeyAction(items, api, 'ArrowLeft')).toEqual({ kind: 'toggle', id: 'repo:api', open: false });
    expect(treeKeyAction(items, main, 'ArrowLeft')).toEqual({ kind: 'focus', id: 'repo:api' });
    expect(treeKeyAction(items, main, 'ArrowRight')).toBeNull();
    expect(treeKeyAction(items, main, 'Enter')).toEqual({ kind: 'activate', item: main });
    expect(treeKeyAction(items, web, ' ')).toEqual({ kind: 'toggle', id: 'repo:web', open: true });
    expect(treeKeyAction(items, web, 'End')).toEqual({ kind: 'focus', id: 'branch:api:main' });
    expect(treeKeyAction(items, main, 'Home')).toEqual({ kind: 'focus', id: 'host:local' });
    expect(treeKeyAction(items, main, 'x')).toBeNull();
  });
});
