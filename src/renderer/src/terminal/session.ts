// One xterm.js terminal attached to one agent session: addons, the attach/detach lifecycle, flow
// control acks, resize, WebGL while visible. Plain class (no React) so its lifetime is explicit:
// it lives as long as the tab, hidden or not, which is what keeps each tab's content.
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import {
  FLOW,
  type OrchardApi,
  type TerminalEndReason,
  type TerminalExitEvent,
  type TerminalStatusEvent,
} from '../../../shared/api.ts';
import { shortcutOf } from '../keyboard.ts';
import { prefs, type Theme } from '../state/prefs.ts';
import type { TerminalRegistry } from './registry.ts';
import { TERMINAL_FONT, terminalTheme } from './themes.ts';

export interface TerminalSessionOptions {
  api: OrchardApi;
  registry: TerminalRegistry;
  sessionId: string;
  theme: Theme;
  onStatus: (s: TerminalStatus) => void;
  onSize?: (cols: number, rows: number) => void;
}

/**
 * attached: keystrokes go to the agent. Every other state refuses them, and counts them in
 * `refused` so the view can say so (nothing is dropped silently). reconnecting: it comes back by
 * itself (the host or the page's connection is away); closed: it ended, `reason` says why.
 */
export type TerminalStatus =
  | { kind: 'connecting'; refused?: number }
  | { kind: 'attached' }
  | { kind: 'reconnecting'; message: string; refused?: number }
  | { kind: 'closed'; message: string; reason?: TerminalEndReason; refused?: number };

/** Opens only http(s) links, outside the app, without giving the new page a handle on this one. */
export function openLink(_event: MouseEvent, uri: string): void {
  if (!/^https?:\/\//i.test(uri)) return;
  window.open(uri, '_blank', 'noopener,noreferrer');
}

const MAX_WEBGL_LOSSES = 3;

/** Server words written into the terminal: no control characters of theirs get to act there. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export class TerminalSession {
  readonly term: Terminal;
  readonly search = new SearchAddon();
  private readonly fit = new FitAddon();
  private readonly o: TerminalSessionOptions;
  private webgl: WebglAddon | null = null;
  private webglLosses = 0;
  private termId: string | null = null;
  private unregister: (() => void) | null = null;
  private unacked = 0;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private visible = false;
  private disposed = false;
  private attachedOnce = false;
  private state: TerminalStatus = { kind: 'connecting' };
  private readonly offs: Array<() => void> = [];

  constructor(o: TerminalSessionOptions) {
    this.o = o;
    this.term = new Terminal({
      allowProposedApi: true, // unicode11 and search decorations use the proposed API
      fontFamily: TERMINAL_FONT,
      fontSize: 13,
      lineHeight: 1, // the DOM renderer leaves gaps in box-drawing characters above 1
      scrollback: 10_000,
      cursorBlink: true,
      theme: terminalTheme(o.theme),
      macOptionIsMeta: true,
      // OSC 8 hyperlinks from programs go through the same gate as detected URLs (xterm's default
      // handler would confirm() and open a blank window, which the app's guard then refuses).
      linkHandler: { activate: (e, uri) => openLink(e, uri), allowNonHttpProtocols: false },
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    this.term.loadAddon(new WebLinksAddon(openLink));
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = '11';
    this.term.attachCustomKeyEventHandler((e) => this.onKey(e));
    const input = (data: string) => {
      if (this.termId && this.state.kind === 'attached')
        return o.api.send('terminalInput', { term: this.termId, data });
      this.refuse();
    };
    const d1 = this.term.onData(input);
    const d2 = this.term.onBinary(input);
    const d3 = this.term.onResize(({ cols, rows }) => {
      if (this.termId) o.api.send('terminalResize', { term: this.termId, cols, rows });
      o.onSize?.(cols, rows);
    });
    this.offs.push(
      () => d1.dispose(),
      () => d2.dispose(),
      () => d3.dispose(),
      o.api.on('connection', ({ connected }) => {
        // The server closed our terminals with the socket; attach again on the new one.
        if (!connected)
          this.forget({ kind: 'reconnecting', message: 'Disconnected from Orchard; reconnecting…' });
        else if (this.visible) void this.attach();
      }),
    );
  }

  /** Window shortcuts pass through; Ctrl+Shift+C copies the selection. */
  private onKey(e: KeyboardEvent): boolean {
    if (shortcutOf(e)) return false;
    if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && e.code === 'KeyC' && this.term.hasSelection()) {
      void navigator.clipboard?.writeText(this.term.getSelection());
      e.preventDefault();
      return false;
    }
    return true;
  }

  open(el: HTMLElement): void {
    this.term.open(el);
  }

  /** Attaches once the element has a size (hidden tabs wait until first shown). */
  async attach(): Promise<void> {
    if (this.disposed || this.termId) return;
    this.fitNow();
    const term = this.o.registry.nextId();
    this.termId = term;
    this.unacked = 0;
    // tmux repaints the whole screen on attach. The first time, start clean; on a re-attach (socket
    // back, Reattach) keep the history: reset modes only (DECSTR), push the old screen into the
    // scrollback and let tmux draw on an empty one.
    if (this.attachedOnce) {
      const rows = this.term.rows;
      this.term.write(`\x1b[!p\x1b[${rows};1H${'\n'.repeat(rows)}\x1b[H`);
    } else this.term.reset();
    this.attachedOnce = true;
    this.setStatus({ kind: 'connecting' });
    this.unregister = this.o.registry.register(term, {
      data: (data) => this.write(data),
      exit: (e) => this.onExit(e),
      status: (e) => this.onServerStatus(e),
    });
    try {
      await this.o.api.request('attach', {
        term,
        session: this.o.sessionId,
        cols: this.term.cols,
        rows: this.term.rows,
      });
      if (this.termId === term && this.state.kind === 'connecting') this.setStatus({ kind: 'attached' });
    } catch (e) {
      if (this.termId === term)
        this.forget({
          kind: 'closed',
          message: `Could not attach: ${e instanceof Error ? e.message : String(e)}`,
          // A host that is away: the view attaches again once its session is listed as back.
          ...((e as { code?: string }).code === 'host-unreachable'
            ? { reason: 'host-unreachable' as const }
            : {}),
        });
    }
  }

  get status(): TerminalStatus {
    return this.state;
  }

  private setStatus(s: TerminalStatus): void {
    this.state = s;
    if (!this.disposed) this.o.onStatus(s);
  }

  /** A keystroke with nowhere to go: counted and shown, never dropped without a word. */
  private refuse(): void {
    const s = this.state;
    if (s.kind === 'attached') return;
    this.setStatus({ ...s, refused: (s.refused ?? 0) + 1 });
  }

  /** The server keeps this terminal while its host is away, and says when it is back. */
  private onServerStatus(e: TerminalStatusEvent): void {
    if (e.state === 'attached') return this.setStatus({ kind: 'attached' });
    const before = this.state.kind === 'attached' ? 0 : (this.state.refused ?? 0);
    this.setStatus({
      kind: 'reconnecting',
      message: e.message ?? 'reconnecting',
      refused: before + (e.refused ? 1 : 0),
    });
  }

  private write(data: string): void {
    const term = this.termId;
    // Ack only after xterm parsed the chunk: that is what keeps a flood (`yes`) from freezing the UI.
    this.term.write(data, () => {
      if (term === this.termId) this.ack(data.length);
    });
  }

  private ack(chars: number): void {
    this.unacked += chars;
    if (this.unacked >= FLOW.ackSize) return this.flushAck();
    this.ackTimer ??= setTimeout(() => this.flushAck(), 20);
  }

  private flushAck(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.termId && this.unacked > 0)
      this.o.api.send('terminalAck', { term: this.termId, chars: this.unacked });
    this.unacked = 0;
  }

  private onExit(e: TerminalExitEvent): void {
    const why =
      e.message ??
      e.error?.message ??
      (e.code === 0 || e.code === null ? 'the attach ended' : `the attach ended (exit ${e.code})`);
    this.forget({
      kind: 'closed',
      message: `Terminal closed: ${why}`,
      ...(e.reason ? { reason: e.reason } : {}),
    });
    // Said in the terminal too, where it stays in the history (a re-attach pushes it up).
    this.term.write(`\r\n\x1b[0;2m[orchard] terminal closed: ${plain(why)}\x1b[0m\r\n`);
  }

  /** Drops the server-side terminal (if any) and says why. */
  private forget(status: TerminalStatus): void {
    this.unregister?.();
    this.unregister = null;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    this.termId = null;
    this.setStatus(status);
  }

  /** Fits the terminal to its element; skipped while hidden (a hidden element measures 0×0). */
  fitNow(): void {
    const el = this.term.element?.parentElement;
    if (!el || el.clientWidth === 0 || el.clientHeight === 0) return;
    const dims = this.fit.proposeDimensions();
    if (!dims || !Number.isFinite(dims.cols) || !Number.isFinite(dims.rows)) return;
    const cols = Math.max(2, dims.cols);
    const rows = Math.max(1, dims.rows);
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
    else this.o.onSize?.(cols, rows);
  }

  /** Only the visible terminal holds a WebGL context (browsers cap them at ~16). */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) {
      this.enableWebgl();
      this.fitNow();
      if (!this.termId) void this.attach();
    } else this.disableWebgl();
  }

  private enableWebgl(): void {
    if (this.webgl || prefs.renderer() === 'dom' || this.webglLosses >= MAX_WEBGL_LOSSES) return;
    try {
      const addon = new WebglAddon();
      addon.onContextLoss(() => {
        // Fall back to the DOM renderer; the next time the tab is shown WebGL is tried again.
        this.webglLosses++;
        this.disableWebgl();
      });
      this.term.loadAddon(addon);
      this.webgl = addon;
    } catch {
      this.webglLosses = MAX_WEBGL_LOSSES; // no WebGL here at all: stay on the DOM renderer
    }
  }

  private disableWebgl(): void {
    const a = this.webgl;
    this.webgl = null;
    try {
      a?.dispose();
    } catch {
      // already gone with its context
    }
  }

  setTheme(theme: Theme): void {
    this.term.options.theme = terminalTheme(theme);
  }

  focus(): void {
    this.term.focus();
  }

  dispose(): void {
    if (this.disposed) return;
    this.flushAck();
    if (this.termId) this.o.api.send('detach', { term: this.termId });
    this.disposed = true;
    this.forget({ kind: 'closed', message: 'closed' });
    for (const off of this.offs.splice(0)) off();
    this.disableWebgl();
    this.term.dispose();
  }
}
