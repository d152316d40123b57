// What a terminal tab shows when it is not connected: why, that keystrokes are not sent, and that
// it follows its session back by itself (a real xterm.js in jsdom; the contract is a fake).
import { act, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { TerminalRegistry } from '../../src/renderer/src/terminal/registry.ts';
import { TerminalView, type TerminalViewProps } from '../../src/renderer/src/terminal/TerminalView.tsx';
import { OrchardError } from '../../src/shared/errors.ts';
import { fakeApi } from './fake-api.tsx';

// xterm.js asks for the device pixel ratio's media query; jsdom has no matchMedia.
if (!window.matchMedia)
  window.matchMedia = ((query: string) => ({
    matches: false,
    media: query,
    addEventListener() {},
    removeEventListener() {},
    addListener() {},
    removeListener() {},
  })) as unknown as typeof window.matchMedia;

function setup() {
  const w = fakeApi({ attach: ({ term, session }) => ({ term, session }) });
  const registry = new TerminalRegistry(w.api);
  const props: TerminalViewProps = {
    api: w.api,
    registry,
    sessionId: 'abc123',
    active: true,
    alive: true,
    theme: 'dark',
    searchSignal: 0,
  };
  const view = render(<TerminalView {...props} />);
  const term = () => (w.calls('attach').at(-1) as { term: string }).term;
  const type = async (text: string) => {
    const area = view.container.querySelector('textarea')!;
    await userEvent.type(area, text);
  };
  return { w, view, props, term, type };
}

describe('TerminalView', () => {
  test('host away: "Not connected" with why, keystrokes refused visibly, gone once it is back', async () => {
    const { w, term, type } = setup();
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(1));
    act(() =>
      w.emit('terminalStatus', {
        term: term(),
        state: 'reconnecting',
        message: 'host devbox unreachable — reconnecting',
      }),
    );
    expect(screen.getByRole('status').textContent).toContain(
      'Not connected: host devbox unreachable — reconnecting',
    );
    await type('hi');
    expect(screen.getByRole('alert').textContent).toBe('2 keystrokes not sent');
    expect(w.sends.filter((x) => x.name === 'terminalInput')).toEqual([]);
    act(() => w.emit('terminalStatus', { term: term(), state: 'attached' }));
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('tmux server exited: says so; re-attaches by itself once the session is listed again', async () => {
    const { w, view, props, term, type } = setup();
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(1));
    act(() =>
      w.emit('terminalExit', { term: term(), code: 1, reason: 'tmux-exited', message: 'tmux server exited' }),
    );
    expect(screen.getByRole('status').textContent).toContain(
      'Not connected. Terminal closed: tmux server exited',
    );
    await type('x');
    expect(screen.getByRole('alert').textContent).toBe('1 keystroke not sent');
    // Still listed for a moment (the list lags): nothing happens. Gone, then back: attach again.
    view.rerender(<TerminalView {...props} alive={true} />);
    view.rerender(<TerminalView {...props} alive={false} />);
    expect(w.calls('attach')).toHaveLength(1);
    view.rerender(<TerminalView {...props} alive={true} />);
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(2));
    await vi.waitFor(() => expect(screen.queryByRole('status')).toBeNull());
  });

  test('a detach is someone’s choice: it does not come back by itself, Reattach does it', async () => {
    const { w, view, props, term } = setup();
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(1));
    act(() =>
      w.emit('terminalExit', {
        term: term(),
        code: 0,
        reason: 'detached',
        message: 'detached; the session is still running',
      }),
    );
    view.rerender(<TerminalView {...props} alive={false} />);
    view.rerender(<TerminalView {...props} alive={true} />);
    await new Promise((r) => setTimeout(r, 20));
    expect(w.calls('attach')).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Reattach' }));
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(2));
  });

  test('opened while its host is away: says so, and attaches once the session is listed as back', async () => {
    let down = true;
    const w = fakeApi({
      attach: ({ term, session }) => {
        if (down)
          throw new OrchardError('host-unreachable', 'session abc123 is on devbox, which is unreachable');
        return { term, session };
      },
    });
    const props: TerminalViewProps = {
      api: w.api,
      registry: new TerminalRegistry(w.api),
      sessionId: 'abc123',
      active: true,
      alive: false,
      theme: 'dark',
      searchSignal: 0,
    };
    const view = render(<TerminalView {...props} />);
    await vi.waitFor(() => expect(screen.getByRole('status').textContent).toContain('which is unreachable'));
    down = false;
    view.rerender(<TerminalView {...props} alive={true} />);
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(2));
    await vi.waitFor(() => expect(screen.queryByRole('status')).toBeNull());
  });
});
