// The new-session dialog's headless option: the spawn asks for a headless session with its first
// message, and the tab that opens shows the conversation, not a terminal.
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { expect, test, vi } from 'vitest';
import { App } from '../../src/renderer/src/App.tsx';
import { session } from './fake-api.tsx';
import { world } from './world.ts';

vi.mock('../../src/renderer/src/terminal/TerminalView.tsx', async () => ({
  TerminalView: (await import('./fake-api.tsx')).TerminalStub,
}));

test('headless + first message: spawned headless, its tab is a conversation', async () => {
  const made = session('h9', 'fix/typo', { headless: 'stream-json' });
  const w = world({
    spawn: () => made,
    headlessEvents: ({ id, offset = 0 }) => ({
      id,
      events: offset === 0 ? [{ kind: 'user', text: 'fix the typo' }] : [],
      offset: 10,
      running: true,
    }),
  });
  const user = userEvent.setup();
  render(<App api={w.api} />);
  await screen.findByRole('treeitem', { name: 'web' });
  await user.click(screen.getByRole('button', { name: 'New session' }));
  const dialog = screen.getByRole('dialog', { name: 'New session' });
  await within(dialog).findByRole('option', { name: 'fix/typo' });
  await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Branch' }), 'fix/typo');
  expect(within(dialog).queryByRole('textbox', { name: 'First message' })).toBeNull();
  await user.click(within(dialog).getByRole('checkbox', { name: /Headless/ }));
  await user.type(within(dialog).getByRole('textbox', { name: 'First message' }), 'fix the typo');
  await user.click(within(dialog).getByRole('button', { name: 'Start session' }));
  expect(w.calls('spawn')).toEqual([
    { repo: 'web', branch: 'fix/typo', agent: 'fake', headless: true, prompt: 'fix the typo' },
  ]);
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  const conv = await screen.findByLabelText('Conversation fix/typo');
  await waitFor(() => expect(within(conv).getByLabelText('You').textContent).toBe('fix the typo'));
  expect(screen.queryByTestId('terminal-h9')).toBeNull();
});

test('an agent without a headless mode cannot be started headless', async () => {
  const w = world({
    profiles: () => ({
      defaultAgent: 'aider',
      profiles: [{ id: 'aider', label: 'Aider', kind: 'aider', command: ['aider'] }],
    }),
  });
  const user = userEvent.setup();
  render(<App api={w.api} />);
  await screen.findByRole('treeitem', { name: 'web' });
  await user.click(screen.getByRole('button', { name: 'New session' }));
  const dialog = screen.getByRole('dialog', { name: 'New session' });
  await within(dialog).findByRole('option', { name: 'fix/typo' });
  expect((within(dialog).getByRole('checkbox', { name: /Headless/ }) as HTMLInputElement).disabled).toBe(
    true,
  );
});
