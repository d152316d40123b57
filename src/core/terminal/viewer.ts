// The terminals of one client (one window, one browser tab): terminal ids are chosen by the client
// and scoped to it, so two clients viewing the same session each get their own `tmux attach`.
// Disposing the client detaches all of its terminals.
//
// When an attach ends, the client is told why (explain.ts), not just "it exited". A terminal whose
// host became unreachable is not closed: it is kept, input to it is refused out loud, and it is
// re-attached with backoff until the host answers again (tmux kept the agent meanwhile).
import type { TerminalStatusEvent } from '../../shared/api.ts';
import { OrchardError, toErrorValue, type ErrorValue } from '../../shared/errors.ts';
import { LOCAL_HOST } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import type { HostContext } from '../hosts/registry.ts';
import type { PtyStream } from '../hosts/host.ts';
import type { Disposable } from '../util/lifecycle.ts';
import { explainAttachExit, type AttachExit, type TerminalEnd } from './explain.ts';
import { AttachedTerminal, type TerminalOptions } from './terminal.ts';

export interface TerminalSink {
  data(term: string, data: string): void;
  exit(term: string, code: number | null, error?: ErrorValue, end?: TerminalEnd): void;
  status(term: string, status: Omit<TerminalStatusEvent, 'term'>): void;
}

/**
 * Opens a pty attached to a session's tmux; the engine-backed one is `engineOpener`. `again`: a
 * re-attach of a terminal that was open (the session was found before). `explain`, when present,
 * says why an attach ended; without it an exit is passed on as it is.
 */
export type PtyOpener = ((
  session: string,
  cols: number,
  rows: number,
  again?: boolean,
) => Promise<PtyStream>) & {
  explain?: (session: string, exit: AttachExit) => Promise<TerminalEnd>;
};

/**
 * The viewer is always xterm.js, which speaks UTF-8: say so (`-u`) rather than let tmux guess from
 * the attach process's locale (a service manager or a bare ssh exec channel may have LANG=C; tmux
 * command clients do turn control and non-ASCII characters into `_` there). An empty TMUX (see
 * engineOpener) keeps tmux from refusing to nest when Orchard itself runs inside tmux.
 */
export function utf8Attach(argv: readonly string[]): string[] {
  return argv[0] === 'tmux' && argv[1] !== '-u' ? ['tmux', '-u', ...argv.slice(1)] : [...argv];
}

interface Target {
  ctx: HostContext;
  hostName: string;
  tmuxSession: string;
}

/** Sessions remembered per opener: enough for any fleet; the oldest go first. */
const MAX_TARGETS = 1000;

export function engineOpener(engine: Pick<Engine, 'find' | 'hosts'>): PtyOpener {
  // Where each attached session lives, so a re-attach (the host was away) and the question "why did
  // it end" need no fleet-wide lookup, and still work once the session is gone.
  const targets = new Map<string, Target>();
  const target = async (session: string, again: boolean): Promise<Target> => {
    const known = again ? targets.get(session) : undefined;
    if (known) return known;
    const s = await engine.find(session);
    const t = { ctx: await engine.hosts.get(s.host), hostName: s.host, tmuxSession: s.tmuxSession };
    targets.delete(session);
    targets.set(session, t);
    if (targets.size > MAX_TARGETS) targets.delete(targets.keys().next().value!);
    return t;
  };
  const open = async (session: string, cols: number, rows: number, again = false) => {
    const { ctx, tmuxSession } = await target(session, again);
    return ctx.host.openPty(utf8Attach(ctx.tmux.attachArgv(tmuxSession)), { cols, rows, env: { TMUX: '' } });
  };
  return Object.assign(open, {
    explain: async (session: string, exit: AttachExit): Promise<TerminalEnd> => {
      const t = targets.get(session);
      if (!t) return { reason: 'session-killed', message: 'session gone' };
      return explainAttachExit(t.ctx.tmux, t.hostName, t.tmuxSession, exit, t.hostName !== LOCAL_HOST);
    },
  });
}

/** Enough for any window; a client asking for more is broken or hostile. */
export const MAX_TERMINALS_PER_CLIENT = 64;

/** Re-attach delays while a host is away; the last one repeats. The SSH pool adds its own backoff. */
export const REATTACH_DELAYS_MS = [250, 500, 1000, 2000];

/**
 * opening: the first attach; open: a pty is attached; away: the attach ended and the server is
 * finding out why, or waiting for the host to come back (input is refused).
 */
interface Slot {
  phase: 'opening' | 'open' | 'away';
  session: string;
  cols: number;
  rows: number;
  terminal?: AttachedTerminal;
  timer?: ReturnType<typeof setTimeout>;
  attempts: number;
  /** Why it is away, repeated to a client whose input was refused. */
  away?: string;
}

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
    return this.slots.get(term)?.terminal;
  }

  async attach(term: string, session: string, cols: number, rows: number): Promise<void> {
    if (this.disposed) throw new OrchardError('invalid-argument', 'this client is closed');
    if (this.slots.has(term))
      throw new OrchardError('invalid-argument', `terminal ${term} is already attached; detach it first`);
    if (this.slots.size >= MAX_TERMINALS_PER_CLIENT)
      throw new OrchardError('invalid-argument', `at most ${MAX_TERMINALS_PER_CLIENT} terminals per client`);
    const slot: Slot = { phase: 'opening', session, cols, rows, attempts: 0 };
    this.slots.set(term, slot);
    let pty: PtyStream;
    try {
      pty = await this.open(session, cols, rows);
    } catch (e) {
      if (this.slots.get(term) === slot) this.slots.delete(term);
      throw e;
    }
    // Detached (or the client left) while the pty was opening: nobody wants it any more.
    if (!this.live(term, slot)) {
      pty.dispose();
      throw new OrchardError('invalid-argument', `terminal ${term} was detached while it opened`);
    }
    this.bind(term, slot, pty);
  }

  private live(term: string, slot: Slot): boolean {
    return !this.disposed && this.slots.get(term) === slot;
  }

  private bind(term: string, slot: Slot, pty: PtyStream): void {
    slot.phase = 'open';
    slot.away = undefined;
    slot.terminal = new AttachedTerminal(
      pty,
      {
        data: (d) => {
          // Back for real once tmux draws (an attach that dies at once keeps backing off).
          slot.attempts = 0;
          this.sink.data(term, d);
        },
        exit: (code, tail) => void this.ended(term, slot, { code, tail }),
      },
      this.opts,
    );
  }

  private async ended(term: string, slot: Slot, exit: AttachExit): Promise<void> {
    slot.terminal?.dispose();
    slot.terminal = undefined;
    slot.phase = 'away';
    const explain = this.open.explain;
    if (!explain) return this.close(term, slot, exit.code);
    let end: TerminalEnd;
    try {
      end = await explain(slot.session, exit);
    } catch (e) {
      end = {
        reason: 'detached',
        message: `the terminal ended; why is unknown (${toErrorValue(e).message})`,
      };
    }
    if (!this.live(term, slot)) return;
    if (end.reason !== 'host-unreachable') return this.close(term, slot, exit.code, undefined, end);
    this.reconnecting(term, slot, end.message);
  }

  private close(term: string, slot: Slot, code: number | null, error?: ErrorValue, end?: TerminalEnd): void {
    if (this.slots.get(term) === slot) this.slots.delete(term);
    if (slot.timer) clearTimeout(slot.timer);
    slot.terminal?.dispose();
    if (!this.disposed) this.sink.exit(term, code, error, end);
  }

  private reconnecting(term: string, slot: Slot, message: string): void {
    if (slot.away !== message) this.sink.status(term, { state: 'reconnecting', message });
    slot.away = message;
    const delay = REATTACH_DELAYS_MS[Math.min(slot.attempts, REATTACH_DELAYS_MS.length - 1)]!;
    slot.attempts++;
    slot.timer = setTimeout(() => void this.reattach(term, slot), delay);
  }

  private async reattach(term: string, slot: Slot): Promise<void> {
    slot.timer = undefined;
    let pty: PtyStream;
    try {
      pty = await this.open(slot.session, slot.cols, slot.rows, true);
    } catch (e) {
      if (!this.live(term, slot)) return;
      const error = toErrorValue(e);
      if (error.code === 'host-unreachable') return this.reconnecting(term, slot, slot.away ?? error.message);
      return this.close(term, slot, null, error);
    }
    if (!this.live(term, slot)) return pty.dispose();
    this.bind(term, slot, pty);
    this.sink.status(term, { state: 'attached' });
  }

  input(term: string, data: string): void {
    const slot = this.slots.get(term);
    if (slot?.terminal) return slot.terminal.input(data);
    // Nothing reaches the session now: say so, rather than drop keystrokes silently.
    if (slot?.phase === 'away')
      this.sink.status(term, {
        state: 'reconnecting',
        message: slot.away ?? 'the terminal is not attached; finding out why',
        refused: true,
      });
  }

  resize(term: string, cols: number, rows: number): void {
    const slot = this.slots.get(term);
    if (!slot) return;
    slot.cols = cols;
    slot.rows = rows;
    slot.terminal?.resize(cols, rows);
  }

  ack(term: string, chars: number): void {
    this.get(term)?.ack(chars);
  }

  detach(term: string): void {
    const slot = this.slots.get(term);
    if (!slot) return;
    this.slots.delete(term);
    if (slot.timer) clearTimeout(slot.timer);
    slot.terminal?.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const term of [...this.slots.keys()]) this.detach(term);
  }
}
