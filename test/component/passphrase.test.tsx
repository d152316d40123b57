// The passphrase dialog: opens on a `passphraseRequest`, answers with `answerPassphrase` (the
// passphrase, or null on Cancel), offers "remember" only when the engine can keep it, and closes
// when another window answered (`passphraseDone`).
import { act, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { App } from '../../src/renderer/src/App.tsx';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

const ask = (id: string, extra: { retry?: boolean; canRemember?: boolean } = {}) => ({
  id,
  keyFile: '/home/me/.ssh/id_ed25519',
  host: 'devbox',
  retry: false,
  canRemember: false,
  ...extra,
});

describe('SSH key passphrase', () => {
  test('asked in a dialog; the answer goes to answerPassphrase, not echoed anywhere', async () => {
    const w = world({ answerPassphrase: () => null });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    act(() => w.emit('passphraseRequest', ask('aaaaaaaaaaaaaaaa', { canRemember: true })));
    const dialog = await screen.findByRole('dialog', { name: 'SSH key passphrase' });
    expect(dialog.textContent).toContain('/home/me/.ssh/id_ed25519 to connect to devbox');
    const user = userEvent.setup();
    const input = within(dialog).getByLabelText('Passphrase') as HTMLInputElement;
    expect(input.type).toBe('password');
    await user.type(input, 's3cret');
    await user.click(within(dialog).getByRole('checkbox', { name: /Remember/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Unlock' }));
    expect(w.calls('answerPassphrase')).toEqual([
      { id: 'aaaaaaaaaaaaaaaa', passphrase: 's3cret', remember: true },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('Cancel answers null; a retry says the last one was wrong; no "remember" without a keychain', async () => {
    const w = world({ answerPassphrase: () => null });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    act(() => w.emit('passphraseRequest', ask('bbbbbbbbbbbbbbbb', { retry: true })));
    const dialog = await screen.findByRole('dialog', { name: 'SSH key passphrase' });
    expect(dialog.textContent).toMatch(/^.*Wrong passphrase\./);
    expect(within(dialog).queryByRole('checkbox')).toBeNull();
    await userEvent.setup().click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(w.calls('answerPassphrase')).toEqual([{ id: 'bbbbbbbbbbbbbbbb', passphrase: null }]);
  });

  test('answered in another window: the dialog closes by itself', async () => {
    const w = world({ answerPassphrase: () => null });
    render(<App api={w.api} />);
    await screen.findByRole('treeitem', { name: 'web' });
    act(() => w.emit('passphraseRequest', ask('cccccccccccccccc')));
    await screen.findByRole('dialog', { name: 'SSH key passphrase' });
    act(() => w.emit('passphraseDone', { id: 'cccccccccccccccc', answered: true }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(w.calls('answerPassphrase')).toEqual([]);
  });
});
