// A tmux control-mode client (`tmux -C`, see "CONTROL MODE" in tmux(1)): one long-lived client per
// purpose and host that runs tmux commands with no process per command and hears tmux's
// notifications (%sessions-changed, %window-*, %exit) as they happen.
//
// Transport: the Host port's pty (node-pty locally, a pty exec channel on the pooled SSH
// connection), switched to raw mode with no echo before tmux starts, so it carries bytes like a
// pipe; every host kind Orchard supports already provides it.
//
// Protocol facts this file relies on (checked against tmux 3.3a):
// - each command (not each line) answers with one block: `%begin T N F` … `%end T N F` or
//   `%error T N F`; notifications never occur inside a block;
// - a failing command skips the rest of its line: a line of k commands yields k blocks, or fewer
//   ending with its first %error;
// - an EMPTY line makes the client exit, and input is parsed as tmux's command language (quotes,
//   `$VAR`, `~`), so every argument goes through controlQuote and no line is ever empty;
// - `wait-for` answers its block at once and then blocks the client's queue until signalled: the
//   block of the command after it is the wake-up;
// - a client that cannot attach (no sessions) answers the attach block with %error, then %exit;
//   with -N and no server it prints "error connecting to …" (or "no server running") and exits.
import { connect } from 'node:net';
import { join } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { Host, PtyStream } from '../hosts/host.ts';
import { Emitter, type Disposable } from '../util/lifecycle.ts';

export interface ControlReply {
  ok: boolean;
  /** Output lines of the command (an error's message when !ok). */
  lines: string[];
}

export type ControlEvent =
  | { kind: 'block'; ok: boolean; lines: string[] }
  | { kind: 'notification'; name: string; args: string }
  /** Anything outside a block that is no notification (tmux's own error text on the terminal). */
  | { kind: 'text'; line: string };

/** Pure: control-mode output (as it arrives, in any chunks) → blocks and notifications. */
export class ControlParser {
  private buf = '';
  private open: { guard: string; lines: string[] } | undefined;

  feed(chunk: string): ControlEvent[] {
    this.buf += chunk;
    const out: ControlEvent[] = [];
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      let line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    return out;
  }

  private line(line: string): ControlEvent | undefined {
    if (this.open) {
      // Only the guard of the open block ends it (time, command number and flags must all match),
      // so a screen line that happens to read "%end …" stays content.
      const { guard, lines } = this.open;
      if (line === `%end ${guard}` || line === `%error ${guard}`) {
        this.open = undefined;
        return { kind: 'block', ok: line.startsWith('%end'), lines };
      }
      lines.push(line);
      return undefined;
    }
    if (line.startsWith('%begin ')) {
      this.open = { guard: line.slice('%begin '.length), lines: [] };
      return undefined;
    }
    if (line.startsWith('%')) {
      const sp = line.indexOf(' ');
      return sp < 0
        ? { kind: 'notification', name: line.slice(1), args: '' }
        : { kind: 'notification', name: line.slice(1, sp), args: line.slice(sp + 1) };
    }
    return line ? { kind: 'text', line } : undefined;
  }
}

const PLAIN = /^[A-Za-z0-9_@%:=.,/+-]+$/;

/** One argument in tmux's command language: bare when harmless, else double-quoted with escapes. */
export function controlQuote(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  let s = '"';
  for (const ch of arg) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"' || ch === '$') s += `\\${ch}`;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (c < 0x20 || c === 0x7f) s += `\\${c.toString(8).padStart(3, '0')}`;
    else s += ch;
  }
  return `${s}"`;
}

/** One input line running `commands` in order (argv each); never empty, never multi-line. */
export function controlLine(commands: readonly (readonly string[])[]): string {
  if (!commands.length || commands.some((c) => !c.length))
    throw new OrchardError('internal', 'empty tmux control command');
  return commands.map((c) => c.map(controlQuote).join(' ')).join(' ; ');
}

export interface ControlOpenOptions {
  /** Session to attach to (`=name:` form); default: tmux's choice. */
  target?: string;
  /** A command that gets no answer within this time kills the client (a hung host). */
  timeoutMs?: number;
}

/** Why a client could not start or ended: no server/sessions (normal), or something else. */
export class ControlExit extends Error {
  readonly noSessions: boolean;
  constructor(message: string, noSessions: boolean) {
    super(message);
    this.noSessions = noSessions;
  }
}

const NO_SESSIONS = /no sessions|no server running|error connecting|can't find session/i;

/** The sh prologue: raw mode, no echo (a pty would otherwise echo our commands into the output). */
const RAW_EXEC = 'stty raw -echo 2>/dev/null; exec "$@"';

interface Pending {
  left: number;
  replies: ControlReply[];
  resolve(r: ControlReply[]): void;
  reject(e: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

export class ControlClient implements Disposable {
  private readonly notifyEmitter = new Emitter<{ name: string; args: string }>();
  private readonly exitEmitter = new Emitter<ControlExit>();
  readonly onNotification = this.notifyEmitter.event;
  /** Fires once when the client ends (server gone, session gone, killed, connection lost). */
  readonly onExit = this.exitEmitter.event;

  private readonly parser = new ControlParser();
  private readonly pending: Pending[] = [];
  private readonly text: string[] = [];
  private exitReason: string | undefined;
  private ended: ControlExit | undefined;
  private readonly timeoutMs: number;
  private readonly pty: PtyStream;
  private attaching: Pending | undefined;
  readonly ready: Promise<void>;

  private constructor(pty: PtyStream, timeoutMs: number) {
    this.pty = pty;
    this.timeoutMs = timeoutMs;
    // The attach command's own block comes first.
    this.ready = new Promise<void>((resolve, reject) => {
      const p: Pending = { left: 1, replies: [], resolve: () => resolve(), reject };
      this.attaching = p;
      this.pending.push(p);
    });
    this.ready.catch(() => undefined);
    pty.onData((d) => this.data(d));
    pty.onExit(() => this.end());
  }

  /** Start a client on `host` for the tmux server `base` names; resolves once attached. */
  static async open(
    host: Host,
    base: readonly string[],
    opts: ControlOpenOptions = {},
  ): Promise<ControlClient> {
    const argv = [
      'sh',
      '-c',
      RAW_EXEC,
      'orchard-control',
      ...base,
      // Never start a server: attach-session would, and an empty server living for a moment makes
      // other clients' `list-panes -a` fail ("no current target").
      '-N',
      '-C',
      'attach-session',
      '-f',
      'no-output,ignore-size',
      ...(opts.target ? ['-t', opts.target] : []),
    ];
    if (process.env.ORCHARD_TRACE_EXEC === '1')
      process.stderr.write(
        `[orchard exec${host.name === 'local' ? '' : ` ${host.name}`}] (control) ${argv.slice(4).join(' ')}\n`,
      );
    const pty = await host.openPty(argv, { cols: 200, rows: 50 });
    const client = new ControlClient(pty, opts.timeoutMs ?? 15_000);
    try {
      await client.ready;
    } catch (e) {
      client.dispose();
      throw e;
    }
    return client;
  }

  get alive(): boolean {
    return !this.ended;
  }

  /**
   * Run one line of commands; one reply per command that ran (a failure ends the line). With
   * timeoutMs 0 the reply may take forever (a command after `wait-for`).
   */
  run(commands: readonly (readonly string[])[], timeoutMs = this.timeoutMs): Promise<ControlReply[]> {
    if (this.ended) return Promise.reject(this.ended);
    const line = controlLine(commands);
    return new Promise((resolve, reject) => {
      const p: Pending = { left: commands.length, replies: [], resolve, reject };
      if (timeoutMs > 0)
        p.timer = setTimeout(() => {
          // No answer: the host or tmux hangs. Kill the client; its owner starts a new one.
          this.finish(new ControlExit(`tmux did not answer within ${timeoutMs / 1000} s`, false));
        }, timeoutMs);
      this.pending.push(p);
      this.pty.write(`${line}\n`);
    });
  }

  /** Run several lines in one write (e.g. a capture per pane); each line answers on its own. */
  runMany(lines: readonly (readonly (readonly string[])[])[]): Promise<ControlReply[][]> {
    if (!lines.length) return Promise.resolve([]);
    if (this.ended) return Promise.reject(this.ended);
    const text = lines.map((l) => `${controlLine(l)}\n`).join('');
    const all = lines.map(
      (l) =>
        new Promise<ControlReply[]>((resolve, reject) => {
          this.pending.push({ left: l.length, replies: [], resolve, reject });
        }),
    );
    const timer = setTimeout(
      () => this.finish(new ControlExit(`tmux did not answer within ${this.timeoutMs / 1000} s`, false)),
      this.timeoutMs,
    );
    this.pty.write(text);
    return Promise.all(all).finally(() => clearTimeout(timer));
  }

  /** One command; its output lines, or an error with tmux's message. */
  async command(argv: readonly string[]): Promise<string[]> {
    const [r] = await this.run([argv]);
    if (!r?.ok) throw new OrchardError('command-failed', `tmux ${argv[0]} failed: ${r?.lines.join(' ')}`);
    return r.lines;
  }

  private data(d: string): void {
    for (const ev of this.parser.feed(d)) {
      if (ev.kind === 'block') this.reply(ev.ok, ev.lines);
      else if (ev.kind === 'text') this.text.push(ev.line);
      else if (ev.name === 'exit') this.exitReason = ev.args;
      else this.notifyEmitter.fire(ev);
    }
  }

  private reply(ok: boolean, lines: string[]): void {
    const p = this.pending[0];
    if (!p) return; // a block nobody asked for (cannot happen with our own writes)
    p.replies.push({ ok, lines });
    if (--p.left > 0 && ok) return;
    this.pending.shift();
    if (p.timer) clearTimeout(p.timer);
    // The attach block: an error means this client will not attach (no sessions, bad target).
    if (p === this.attaching) {
      this.attaching = undefined;
      const msg = lines.join(' ') || 'tmux control client failed';
      if (!ok) return p.reject(new ControlExit(msg, NO_SESSIONS.test(msg)));
    }
    p.resolve(p.replies);
  }

  private end(): void {
    const why = this.exitReason || this.text.join(' ').trim() || 'tmux control client exited';
    this.finish(new ControlExit(why, NO_SESSIONS.test(why)));
  }

  private finish(e: ControlExit): void {
    if (this.ended) return;
    this.ended = e;
    for (const p of this.pending.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
    }
    try {
      this.pty.dispose();
    } catch {
      // already gone
    }
    this.exitEmitter.fire(e);
    this.exitEmitter.dispose();
    this.notifyEmitter.dispose();
  }

  dispose(): void {
    this.finish(new ControlExit('closed', false));
  }
}

/**
 * Whether a tmux server listens on this machine's socket `name` (-L), with no process started: a
 * connect() on the socket file (which tmux leaves behind when its server exits).
 */
export function localServerAlive(name: string): Promise<boolean> {
  const dir = join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
  return new Promise((resolve) => {
    const s = connect(join(dir, name));
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
