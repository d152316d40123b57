// TerminalSession against the contract, with a real xterm.js parsing the data (jsdom has no layout,
// so the terminal is not opened into the page: parsing, input and the ack protocol are what's tested).
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FLOW } from '../../src/shared/api.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import { TerminalRegistry } from '../../src/renderer/src/terminal/registry.ts';
import { openLink, TerminalSession, type TerminalStatus } from '../../src/renderer/src/terminal/session.ts';
import { fakeApi, type FakeApi } from './fake-api.tsx';

const made: TerminalSession[] = [];
afterEach(() => {
  for (const s of made.splice(0)) s.dispose();
  vi.unstubAllGlobals();
});

function setup(w: FakeApi = fakeApi({ attach: ({ term, session }) => ({ term, session }) })) {
  const statuses: TerminalStatus[] = [];
  const registry = new TerminalRegistry(w.api);
  const s = new TerminalSession({
    api: w.api,
    registry,
    sessionId: 'abc123',
    theme: 'dark',
    onStatus: (x) => statuses.push(x),
  });
  made.push(s);
  return { w, s, statuses };
}

const acks = (w: FakeApi) => w.sends.filter((x) => x.name === 'terminalAck').map((x) => x.payload);
const termOf = (w: FakeApi) => (w.calls('attach')[0] as { term: string }).term;

describe('TerminalSession', () => {
  test('attaches with its size, then data is parsed by xterm and acknowledged (grouped up to FLOW.ackSize)', async () => {
    const { w, s, statuses } = setup();
    await s.attach();
    expect(w.calls('attach')).toEqual([
      { term: expect.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), session: 'abc123', cols: 80, rows: 24 },
    ]);
    expect(statuses.at(-1)).toEqual({ kind: 'attached' });
    const term = termOf(w);
    const big = 'x'.repeat(FLOW.ackSize + 10);
    w.emit('terminalData', { term, data: big });
    w.emit('terminalData', { term: 'someone-else', data: 'not mine' });
    await vi.waitFor(() => expect(acks(w)).toEqual([{ term, chars: big.length }]));
    // Small chunks are grouped and acknowledged shortly after.
    w.emit('terminalData', { term, data: 'hello\r\n' });
    w.emit('terminalData', { term, data: 'world' });
    await vi.waitFor(() =>
      expect(acks(w)).toEqual([
        { term, chars: big.length },
        { term, chars: 12 },
      ]),
    );
    const buf = s.term.buffer.active;
    const line = buf.getLine(buf.baseY + buf.cursorY)?.translateToString(true);
    expect(line).toBe('world');
  });

  test('typing goes out as terminalInput for this terminal; dispose detaches', async () => {
    const { w, s } = setup();
    await s.attach();
    s.term.input('ls\r');
    expect(w.sends.filter((x) => x.name === 'terminalInput').map((x) => x.payload)).toEqual([
      { term: termOf(w), data: 'ls\r' },
    ]);
    s.dispose();
    expect(w.sends.at(-1)).toEqual({ name: 'detach', payload: { term: termOf(w) } });
  });

  test('a resize is sent for the attached terminal', async () => {
    const { w, s } = setup();
    await s.attach();
    s.term.resize(100, 30);
    expect(w.sends.filter((x) => x.name === 'terminalResize').map((x) => x.payload)).toEqual([
      { term: termOf(w), cols: 100, rows: 30 },
    ]);
  });

  test('attach failure and terminal exit say why; data after exit is ignored', async () => {
    const failing = fakeApi({
      attach: () => {
        throw new OrchardError('session-not-found', 'no session with id abc123');
      },
    });
    const a = setup(failing);
    await a.s.attach();
    expect(a.statuses.at(-1)).toEqual({
      kind: 'closed',
      message: 'Could not attach: no session with id abc123',
    });

    const b = setup();
    await b.s.attach();
    const term = termOf(b.w);
    b.w.emit('terminalExit', {
      term,
      code: 1,
      error: { code: 'host-unreachable', message: 'devbox is unreachable' },
    });
    expect(b.statuses.at(-1)).toEqual({ kind: 'closed', message: 'Terminal closed: devbox is unreachable' });
    b.s.term.input('x');
    expect(b.statuses.at(-1)).toMatchObject({ kind: 'closed', refused: 1 });
    b.w.emit('terminalData', { term, data: 'late' });
    await new Promise((r) => setTimeout(r, 50));
    expect(acks(b.w)).toEqual([]);
  });

  test('a reconnect attaches again (with a fresh terminal id) when the terminal is visible', async () => {
    const { w, s } = setup();
    s.setVisible(true);
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(1));
    w.emit('connection', { connected: false });
    w.emit('connection', { connected: true });
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(2));
    const [first, second] = w.calls('attach') as Array<{ term: string }>;
    expect(second!.term).not.toBe(first!.term);
  });

  test('a re-attach keeps what the terminal showed before in its scrollback', async () => {
    const { w, s } = setup();
    s.setVisible(true);
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(1));
    const first = termOf(w);
    w.emit('terminalData', { term: first, data: 'before the blip\r\n' });
    await vi.waitFor(() => expect(acks(w).length).toBeGreaterThan(0));
    w.emit('connection', { connected: false });
    w.emit('connection', { connected: true });
    await vi.waitFor(() => expect(w.calls('attach')).toHaveLength(2));
    const second = (w.calls('attach')[1] as { term: string }).term;
    w.emit('terminalData', { term: second, data: '\x1b[H\x1b[2Jafter' });
    await vi.waitFor(() => expect(acks(w).some((a) => (a as { term: string }).term === second)).toBe(true));
    const buf = s.term.buffer.active;
    const lines = Array.from({ length: buf.length }, (_, i) => buf.getLine(i)?.translateToString(true) ?? '');
    expect(lines).toContain('before the blip');
    expect(lines.at(buf.baseY)).toBe('after');
  });

  test('a host away: reconnecting with why, keystrokes refused and counted (not sent), then attached again', async () => {
    const { w, s, statuses } = setup();
    await s.attach();
    const term = termOf(w);
    const inputs = () => w.sends.filter((x) => x.name === 'terminalInput');
    w.emit('terminalStatus', {
      term,
      state: 'reconnecting',
      message: 'host devbox unreachable — reconnecting',
    });
    expect(statuses.at(-1)).toEqual({
      kind: 'reconnecting',
      message: 'host devbox unreachable — reconnecting',
      refused: 0,
    });
    s.term.input('a');
    s.term.input('b');
    expect(inputs()).toEqual([]);
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', refused: 2 });
    // Input that raced the news and reached the server is refused there, and counted here.
    w.emit('terminalStatus', {
      term,
      state: 'reconnecting',
      message: 'host devbox unreachable',
      refused: true,
    });
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', refused: 3 });
    w.emit('terminalStatus', { term, state: 'attached' });
    expect(statuses.at(-1)).toEqual({ kind: 'attached' });
    s.term.input('c');
    expect(inputs().map((x) => x.payload)).toEqual([{ term, data: 'c' }]);
  });

  test('an end with a reason says it; typing into a closed terminal is refused out loud', async () => {
    const { w, s, statuses } = setup();
    await s.attach();
    const term = termOf(w);
    w.emit('terminalExit', { term, code: 1, reason: 'tmux-exited', message: 'tmux server exited' });
    expect(statuses.at(-1)).toEqual({
      kind: 'closed',
      message: 'Terminal closed: tmux server exited',
      reason: 'tmux-exited',
    });
    s.term.input('x');
    expect(w.sends.filter((x) => x.name === 'terminalInput')).toEqual([]);
    expect(statuses.at(-1)).toMatchObject({ kind: 'closed', reason: 'tmux-exited', refused: 1 });
    // The terminal says it too, and keeps it in its history.
    const buf = s.term.buffer.active;
    const text = () => Array.from({ length: buf.length }, (_, i) => buf.getLine(i)?.translateToString(true));
    await vi.waitFor(() => expect(text()).toContain('[orchard] terminal closed: tmux server exited'));
    // Words from the server cannot act as control sequences there.
    await s.attach();
    w.emit('terminalExit', {
      term: (w.calls('attach').at(-1) as { term: string }).term,
      code: 1,
      message: 'bad \x1b[2J name',
    });
    await vi.waitFor(() => expect(text()).toContain('[orchard] terminal closed: bad ?[2J name'));
  });

  test('the page losing its connection: reconnecting, keystrokes refused, attached again after', async () => {
    const { w, s, statuses } = setup();
    s.setVisible(true);
    await vi.waitFor(() => expect(statuses.at(-1)).toEqual({ kind: 'attached' }));
    w.emit('connection', { connected: false });
    expect(statuses.at(-1)).toMatchObject({
      kind: 'reconnecting',
      message: expect.stringMatching(/reconnecting/),
    });
    s.term.input('lost');
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', refused: 1 });
    expect(w.sends.filter((x) => x.name === 'terminalInput')).toEqual([]);
    w.emit('connection', { connected: true });
    await vi.waitFor(() => expect(statuses.at(-1)).toEqual({ kind: 'attached' }));
  });

  test('links open only for http(s), without an opener', () => {
    const open = vi.fn();
    vi.stubGlobal('open', open);
    const ev = new MouseEvent('click');
    openLink(ev, 'https://example.com/x');
    openLink(ev, 'file:///etc/passwd');
    openLink(ev, 'javascript:alert(1)');
    expect(open.mock.calls).toEqual([['https://example.com/x', '_blank', 'noopener,noreferrer']]);
  });
});
