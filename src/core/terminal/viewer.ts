// The terminals of one client (one window, one browser tab): terminal ids are chosen by the client
// and scoped to it, so two clients viewing the same session each get their own `tmux attach`.
// Disposing the client detaches all of its terminals.
import { OrchardError, type ErrorValue } from '../../shared/errors.ts';
import type { Engine } from '../engine.ts';
import type { PtyStream } from '../hosts/host.ts';
import type { Disposable } from '../util/lifecycle.ts';
import { AttachedTerminal, type TerminalOptions } from './terminal.ts';

export interface TerminalSink {
  data(term: string, data: string): void;
  exit(term: string, code: number | null, error?: ErrorValue): void;
}

/** Opens a pty attached to a session's tmux; the engine-backed one is `engineOpener`. */
export type PtyOpener = (session: string, cols: number, rows: number) => Promise<PtyStream>;

/**
 * The viewer is always xterm.js, which speaks UTF-8: say so (`-u`) rather than let tmux guess from
 * the attach process's locale (a service manager or a bare ssh exec channel may have LANG=C; tmux
 * command clients do turn control and non-ASCII characters into `_` there). An empty TMUX (see
 * engineOpener) keeps tmux from refusing to nest when Orchard itself runs inside tmux.
 */
export function utf8Attach(argv: readonly string[]): string[] {
  return argv[0] === 'tmux' && argv[1] !== '-u' ? ['tmux', '-u', ...argv.slice(1)] : [...argv];
}

export function engineOpener(engine: Pick<Engine, 'attachArgv' | 'hosts'>): PtyOpener {
  return async (session, cols, rows) => {
    const { host, argv } = await engine.attachArgv(session);
    const ctx = await engine.hosts.get(host);
    return ctx.host.openPty(utf8Attach(argv), { cols, rows, env: { TMUX: '' } });
  };
}

/** Enough for any window; a client asking for more is broken or hostile. */
export const MAX_TERMINALS_PER_CLIENT = 64;

type Slot = { state: 'opening' } | { state: 'open'; terminal: AttachedTerminal };

export class TerminalClient implements Disposable {
  private readonly slots = new Map<string, Slot>();
  private disposed = false;
  private readonly open: PtyOpener;
  private readonly sink: TerminalSink;
  private readonly opts: TerminalOptions;

  constructor(open: PtyOpener, sink: TerminalSink, opts: TerminalOptions = {}) {
    this.open = open;
    this.sink = sink;
    this.opts = opts;
  }

  get size(): number {
    return this.slots.size;
  }

  get(term: string): AttachedTerminal | undefined {
    const slot = this.slots.get(term);
    return slot?.state === 'open' ? slot.terminal : undefined;
  }

  async attach(term: string, session: string, cols: number, rows: number): Promise<void> {
    if (this.disposed) throw new OrchardError('invalid-argument', 'this client is closed');
    if (this.slots.has(term))
      throw new OrchardError('invalid-argument', `terminal ${term} is already attached; detach it first`);
    if (this.slots.size >= MAX_TERMINALS_PER_CLIENT)
      throw new OrchardError('invalid-argument', `at most ${MAX_TERMINALS_PER_CLIENT} terminals per client`);
    const slot: Slot = { state: 'opening' };
    this.slots.set(term, slot);
    let pty: PtyStream;
    try {
      pty = await this.open(session, cols, rows);
    } catch (e) {
      if (this.slots.get(term) === slot) this.slots.delete(term);
      throw e;
    }
    // Detached (or the client left) while the pty was opening: nobody wants it any more.
    if (this.slots.get(term) !== slot || this.disposed) {
      pty.dispose();
      throw new OrchardError('invalid-argument', `terminal ${term} was detached while it opened`);
    }
    const terminal = new AttachedTerminal(
      pty,
      {
        data: (d) => this.sink.data(term, d),
        exit: (code) => {
          if (this.slots.get(term)?.state === 'open') this.slots.delete(term);
          terminal.dispose();
          this.sink.exit(term, code);
        },
      },
      this.opts,
    );
    this.slots.set(term, { state: 'open', terminal });
  }

  input(term: string, data: string): void {
    this.get(term)?.input(data);
  }

  resize(term: string, cols: number, rows: number): void {
    this.get(term)?.resize(cols, rows);
  }

  ack(term: string, chars: number): void {
    this.get(term)?.ack(chars);
  }

  detach(term: string): void {
    const slot = this.slots.get(term);
    if (!slot) return;
    this.slots.delete(term);
    if (slot.state === 'open') slot.terminal.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const term of [...this.slots.keys()]) this.detach(term);
  }
}
