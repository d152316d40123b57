// The new-session dialog and a new worktree's setup: what will happen (files, setup, an untrusted
// script with its trust button), then the setup's progress, a failure's Retry / Start agent anyway.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { expect, test, vi } from 'vitest';
import type { SetupPlan } from '../../src/shared/api.ts';
import { App } from '../../src/renderer/src/App.tsx';
import { session } from './fake-api.tsx';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

const SCRIPT = '#!/bin/sh\nnpm ci\n';
const SHA = 'b'.repeat(64);

test('plan, trust, spawn; the setup fails: its output and detail, Retry, then the agent closes the dialog', async () => {
  let trusted = false;
  const plan = (): SetupPlan => ({
    repo: 'web',
    rev: 'fix/typo',
    include: { count: 2, files: ['.env', 'config/app.local.json'] },
    setup: { script: { path: '.orchard/setup', content: SCRIPT, sha256: SHA, trusted } },
    teardown: {},
  });
  const w = world({
    setupPlan: () => plan(),
    repoTrust: ({ setup }) => {
      trusted = setup === SHA;
      return { name: 'web', host: 'local', path: '/src/web' };
    },
    spawn: () => session('e7', 'fix/typo', { state: 'starting' }),
    capture: () => '── orchard: setup ──\nnpm ERR! missing lockfile\n',
    setupAction: () => null,
  });
  const user = userEvent.setup();
  render(<App api={w.api} />);
  await screen.findByRole('treeitem', { name: 'web' });
  await user.click(screen.getByRole('button', { name: 'New session' }));
  const dialog = screen.getByRole('dialog', { name: 'New session' });
  await within(dialog).findByRole('option', { name: 'fix/typo' });
  await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Branch' }), 'fix/typo');
  expect(await within(dialog).findByText(/Copies 2 files/)).toBeTruthy();
  expect(within(dialog).getByLabelText('Setup script').textContent).toBe(SCRIPT);
  await user.click(within(dialog).getByRole('button', { name: 'Trust this script' }));
  expect(w.calls('repoTrust')).toEqual([{ repo: 'web', setup: SHA }]);
  await within(dialog).findByText('(trusted)', { exact: false });

  await user.click(within(dialog).getByRole('button', { name: 'Start session' }));
  const output = await within(dialog).findByLabelText('Setup output');
  await waitFor(() => expect(output.textContent).toContain('npm ERR! missing lockfile'));
  const failed = session('e7', 'fix/typo', {
    state: 'waiting',
    reason: 'error',
    detail: 'setup failed (exit 3)',
    setup: 'failed',
  });
  act(() => w.emit('sessionsChanged', [failed]));
  expect((await within(dialog).findByRole('alert')).textContent).toBe('setup failed (exit 3)');
  await user.click(within(dialog).getByRole('button', { name: 'Retry setup' }));
  expect(w.calls('setupAction')).toEqual([{ id: 'e7', action: 'retry' }]);
  act(() => w.emit('sessionsChanged', [session('e7', 'fix/typo', { state: 'starting', setup: 'running' })]));
  act(() => w.emit('sessionsChanged', [session('e7', 'fix/typo', { state: 'idle' })]));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
});
