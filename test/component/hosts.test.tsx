// Hosts in the window, through the contract only: add a host, see its unknown key's fingerprint,
// trust exactly that key, see it connect; an existing host's dialog; the sidebar's reachability marks.
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { HostSummary } from '../../src/shared/api.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import { App } from '../../src/renderer/src/App.tsx';
import { hostFormProblem } from '../../src/renderer/src/components/HostRepoDialogs.tsx';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

const FP = 'SHA256:' + 'Q'.repeat(43);
const key = { host: '[gpu.lan]:2222', keyType: 'ssh-ed25519', key: 'AAAA', fingerprint: FP };
const tested = {
  name: 'gpu',
  target: 'me@gpu.lan:2222',
  fingerprint: FP,
  tmux: 'tmux 3.4',
  git: '2.43.0',
  connectMs: 42,
};
const info = {
  name: 'gpu',
  limits: { backend: 'systemd' as const, detail: 'systemd user manager' },
  tmux: '3.4',
  git: '2.43.0',
  memoryReserve: 2 * 1024 ** 3,
  diskReserve: 5 * 1024 ** 3,
};

describe('add a host, check it, trust its key', () => {
  test('the fingerprint is shown; "Trust this key" trusts exactly that one, then the host connects', async () => {
    let trusted = false;
    const w = world({
      addHost: ({ name, ssh }) => ({ name, kind: 'ssh', address: ssh!, status: 'unknown' }),
      testHost: () => {
        if (!trusted) throw new OrchardError('host-key-unknown', `host key of gpu is not known: ${FP}`);
        return tested;
      },
      hostKey: () => ({ key, status: 'unknown' }),
      trustHost: ({ fingerprint }) => {
        trusted = true;
        return { key: { ...key, fingerprint }, status: 'added' };
      },
      hostInfo: () => info,
    });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add host' }));
    const dialog = screen.getByRole('dialog', { name: 'Add SSH host' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'gpu');
    await user.type(within(dialog).getByRole('textbox', { name: /Address/ }), 'me@gpu.lan:2222');
    await user.click(within(dialog).getByRole('button', { name: 'Add host' }));
    expect(await screen.findByRole('treeitem', { name: 'gpu' })).toBeTruthy();
    expect(w.calls('addHost')).toEqual([{ name: 'gpu', ssh: 'me@gpu.lan:2222' }]);

    expect((await within(dialog).findByTestId('fingerprint')).textContent).toBe(FP);
    expect(w.calls('trustHost')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Trust this key' }));
    expect(await within(dialog).findByText('tmux 3.4')).toBeTruthy();
    expect(within(dialog).getByText(/systemd: systemd user manager/)).toBeTruthy();
    expect(w.calls('trustHost')).toEqual([{ name: 'gpu', fingerprint: FP }]);
    expect(w.calls('testHost')).toEqual([{ name: 'gpu' }, { name: 'gpu' }]);
  });

  test('a changed key is a warning with no way to accept it', async () => {
    const w = world({
      listHosts: () => [
        { name: 'local', kind: 'local' },
        { name: 'devbox', kind: 'ssh', address: 'me@devbox:22', status: 'untrusted', error: 'CHANGED' },
      ],
      testHost: () => {
        throw new OrchardError('host-key-changed', 'WARNING: the host key of devbox has CHANGED');
      },
      hostKey: () => ({
        key,
        status: 'changed',
        source: '/home/me/.ssh/known_hosts',
        expected: 'SHA256:old',
      }),
    });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    const row = await screen.findByRole('treeitem', { name: 'devbox' });
    expect(within(row).getByText('untrusted')).toBeTruthy();
    await user.click(within(row).getByRole('button', { name: 'Host devbox' }));
    const dialog = screen.getByRole('dialog', { name: 'Host devbox' });
    const alert = await within(dialog).findByText(/has changed/);
    expect(alert.closest('[role="alert"]')!.textContent).toContain('SHA256:old');
    expect(within(dialog).queryByRole('button', { name: 'Trust this key' })).toBeNull();
    expect(w.calls('trustHost')).toEqual([]);
  });

  test("the form says what is wrong before sending: the engine's own rules", () => {
    expect(hostFormProblem('', '')).toBe('Name the host.');
    expect(hostFormProblem('--help', '')).toMatch(/A host name is letters/);
    expect(hostFormProblem('local', '')).toMatch(/not "local"/);
    expect(hostFormProblem('gpu', 'me@gpu:99999')).toBe('Not a port: "99999" (1 to 65535).');
    expect(hostFormProblem('gpu', 'me@[::1]:22')).toBeNull();
  });
});

describe('existing hosts', () => {
  test('the sidebar marks an unreachable host, and follows the status as sessions change', async () => {
    let hosts: HostSummary[] = [
      { name: 'local', kind: 'local', status: 'ok' },
      { name: 'devbox', kind: 'ssh', address: 'me@devbox:22', status: 'ok' },
    ];
    const w = world({ listHosts: () => hosts });
    render(<App api={w.api} />);
    const row = await screen.findByRole('treeitem', { name: 'devbox' });
    expect(within(row).queryByText('unreachable')).toBeNull();
    hosts = [hosts[0]!, { ...hosts[1]!, status: 'unreachable', error: 'devbox did not answer within 15s' }];
    w.emit('sessionsChanged', []);
    const badge = await within(row).findByText('unreachable');
    expect(badge.closest('.badge')!.getAttribute('title')).toBe('devbox did not answer within 15s');
  });

  test('a host dialog removes the host through the contract', async () => {
    let removed = false;
    const w = world({
      listHosts: (): HostSummary[] => [
        { name: 'local', kind: 'local' },
        ...(removed ? [] : [{ name: 'devbox', kind: 'ssh' as const, address: 'me@devbox:22' }]),
      ],
      testHost: () => ({ ...tested, name: 'devbox' }),
      hostInfo: () => info,
      removeHost: ({ name }) => ((removed = true), { name, kind: 'ssh' }),
    });
    render(<App api={w.api} />);
    const user = userEvent.setup();
    const row = await screen.findByRole('treeitem', { name: 'devbox' });
    await user.click(within(row).getByRole('button', { name: 'Host devbox' }));
    const dialog = screen.getByRole('dialog', { name: 'Host devbox' });
    expect(await within(dialog).findByText('connected (42 ms)')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Remove host' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(w.calls('removeHost')).toEqual([{ name: 'devbox' }]);
    expect(screen.queryByRole('treeitem', { name: 'devbox' })).toBeNull();
  });
});
