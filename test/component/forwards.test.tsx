// The port forwards this window's Orchard process runs, above the session cards: each with its
// local URL and where it goes; Stop stops it (forwardStop) and the list is read again. A session's
// listening port on its card opens through forwardStart.
import { render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { expect, test, vi } from 'vitest';
import type { ForwardInfo } from '../../src/shared/api.ts';
import { App } from '../../src/renderer/src/App.tsx';
import { session } from './fake-api.tsx';
import { world } from './world.ts';

const fwd: ForwardInfo = {
  sessionId: 'b2',
  host: 'devbox',
  remotePort: 5173,
  remoteAddress: '127.0.0.1',
  localPort: 5173,
  url: 'http://127.0.0.1:5173/',
  direct: false,
  owner: 'web',
  pid: 4242,
  startedAt: '2026-12-02T00:00:00.000Z',
  connections: 2,
};

test('forwards are listed with Stop; a port on a card opens through forwardStart', async () => {
  let forwards = [fwd];
  const dev = session('b2', 'feat/ui', {
    host: 'devbox',
    state: 'idle',
    ports: [{ port: 5173, address: '127.0.0.1', pid: 77, command: 'vite' }],
  });
  const w = world({
    listSessions: () => [dev],
    forwardList: () => forwards,
    forwardStop: ({ localPort }) => {
      forwards = forwards.filter((f) => f.localPort !== localPort);
      return { stopped: true };
    },
    forwardStart: () => fwd,
  });
  const open = vi.spyOn(window, 'open').mockImplementation(() => null);
  render(<App api={w.api} />);
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: /^Sessions/ }));
  const list = await screen.findByRole('region', { name: 'Port forwards' });
  expect(within(list).getByRole('link', { name: 'http://127.0.0.1:5173/' })).toBeTruthy();
  expect(list.textContent).toContain('devbox 127.0.0.1:5173 · session b2 · 2 open');

  const card = screen.getByRole('listitem', { name: 'feat/ui' });
  await user.click(within(card).getByRole('button', { name: 'Open port 5173 (vite) of feat/ui' }));
  await waitFor(() => expect(w.calls('forwardStart')).toEqual([{ id: 'b2', port: 5173 }]));
  expect(open).toHaveBeenCalled();

  await user.click(within(list).getByRole('button', { name: 'Stop the forward on port 5173' }));
  await waitFor(() => expect(w.calls('forwardStop')).toEqual([{ localPort: 5173 }]));
  await waitFor(() => expect(screen.queryByRole('region', { name: 'Port forwards' })).toBeNull());
  open.mockRestore();
});
