// The conversation view of a headless session (jsdom): events paged in from offsets, a tool call
// folded with its result, sending from the prompt box, and a send that fails (agent gone) says why.
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { ConversationView } from '../../src/renderer/src/conversation/ConversationView.tsx';
import type { HeadlessEvent } from '../../src/shared/api.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import { fakeApi, session } from './fake-api.tsx';

const page1: HeadlessEvent[] = [
  { kind: 'start', model: 'm', sessionId: 's1' },
  { kind: 'user', text: 'run the tests' },
  { kind: 'tool', id: 't1', name: 'Bash', input: { command: 'npm test' } },
];
const page2: HeadlessEvent[] = [
  { kind: 'tool-result', id: 't1', text: '3 passed', isError: false },
  { kind: 'start', model: 'm', sessionId: 's1' },
  { kind: 'assistant', text: 'All green.' },
  { kind: 'result', ok: true, costUsd: 0.5, durationMs: 2500, turns: 1, denials: ['Write x.txt'] },
];

test('pages in the history, folds a tool call with its result, sends a message, reports a failed send', async () => {
  let alive = true;
  const f = fakeApi({
    headlessEvents: ({ id, offset = 0 }) =>
      offset === 0
        ? { id, events: page1, offset: 100, running: true }
        : offset === 100
          ? { id, events: page2, offset: 250, running: true }
          : { id, events: [], offset, running: true },
    sendText: () => {
      if (!alive) throw new OrchardError('invalid-argument', 'the agent of session h1 is not running');
      return null;
    },
  });
  const s = session('h1', 'chat', { headless: 'stream-json' });
  const user = userEvent.setup();
  render(<ConversationView api={f.api} session={s} active={true} />);

  const log = await screen.findByRole('log');
  await waitFor(() => expect(log.textContent).toContain('All green.'));
  // Both pages read at once, from the offsets the server gave.
  expect(f.calls('headlessEvents').slice(0, 3)).toEqual([
    { id: 'h1', offset: 0 },
    { id: 'h1', offset: 100 },
    { id: 'h1', offset: 250 },
  ]);
  expect(within(log).getAllByText(/Agent started/)).toHaveLength(1);
  const tool = log.querySelector('details')!;
  expect(tool.querySelector('summary')!.textContent).toBe('Bash npm test');
  expect(tool.querySelector('.conv-tool-result')!.textContent).toBe('3 passed');
  expect(log.textContent).toContain('Done in 2.5 s · $0.5000 · 1 turn');
  expect(log.textContent).toContain('denied: Write x.txt');

  const box = screen.getByRole('textbox', { name: 'Message' });
  await user.type(box, 'next please{Enter}');
  expect(f.calls('sendText')).toEqual([{ id: 'h1', text: 'next please' }]);
  expect((box as HTMLTextAreaElement).value).toBe('');

  // The agent died since the last poll: the view still offers the box, the send says why it failed.
  alive = false;
  await user.type(box, 'hello?');
  await user.click(screen.getByRole('button', { name: 'Send' }));
  expect((await screen.findByRole('alert')).textContent).toMatch(/not running/);
  // The text is kept: nothing typed is lost.
  expect((box as HTMLTextAreaElement).value).toBe('hello?');
});

test('a one-prompt agent (Codex exec) has no prompt box to type in', async () => {
  const f = fakeApi({ headlessEvents: ({ id }) => ({ id, events: [], offset: 0, running: false }) });
  render(
    <ConversationView api={f.api} session={session('h2', 'once', { headless: 'argv' })} active={true} />,
  );
  expect(await screen.findByText('No messages yet.')).toBeTruthy();
  expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).disabled).toBe(true);
});
