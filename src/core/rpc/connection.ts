// One client of the router (an Electron window, a browser tab): parses its messages, runs its
// requests, owns its terminals and its subscriptions. Nothing a client sends can throw out of
// `handle`: every failure becomes an error reply, and a malformed message changes nothing.
import {
  isRequestName,
  isSendName,
  type ClientMessage,
  type EventMap,
  type EventName,
  type RequestName,
  type SendName,
  type ServerMessage,
  type SubscribableEvent,
} from '../../shared/api.ts';
import { OrchardError, toErrorValue, type ErrorValue } from '../../shared/errors.ts';
import { TerminalClient } from '../terminal/viewer.ts';
import { DisposableStore, type Disposable } from '../util/lifecycle.ts';
import { handlers, type HandlerContext } from './handlers.ts';
import { jsonShapeProblem } from './json-shape.ts';
import { clientMessage, describeIssues, requestSchemas, sendSchemas } from './schemas.ts';
import type { RouterCore } from './router.ts';

const utf8 = new TextDecoder();

/** The far end of a connection: the transport delivers server messages to it. */
export interface Peer {
  /** Unique among the router's live connections (e.g. `ipc:<webContents id>`, `ws:<n>`). */
  readonly id: string;
  send(message: ServerMessage): void;
}

const invalid = (message: string): ErrorValue => ({ code: 'invalid-argument', message });

export class Connection implements Disposable {
  readonly peer: Peer;
  private readonly core: RouterCore;
  private readonly terminals: TerminalClient;
  private readonly subscriptions = new Map<SubscribableEvent, Disposable>();
  private readonly disposables = new DisposableStore();
  private closed = false;

  private readonly onDispose: () => void;

  constructor(peer: Peer, core: RouterCore, onDispose: () => void = () => {}) {
    this.peer = peer;
    this.core = core;
    this.onDispose = onDispose;
    this.terminals = this.disposables.add(
      new TerminalClient(
        core.opener,
        {
          data: (term, data) => this.emit('terminalData', { term, data }),
          exit: (term, code, error, end) =>
            this.emit('terminalExit', { term, code, ...(error ? { error } : {}), ...(end ?? {}) }),
          status: (term, status) => this.emit('terminalStatus', { term, ...status }),
        },
        core.terminalOptions,
      ),
    );
  }

  get isSubscribedTo(): (event: SubscribableEvent) => boolean {
    return (event) => this.subscriptions.has(event);
  }

  emit<K extends EventName>(ch: K, p: EventMap[K]): void {
    if (this.closed) return;
    try {
      this.peer.send({ t: 'evt', ch, p });
    } catch {
      // The transport is going away; its close will dispose us.
    }
  }

  private reply(message: ServerMessage): void {
    if (this.closed) return;
    try {
      this.peer.send(message);
    } catch {
      // as above
    }
  }

  /**
   * Take one message: JSON as a string or as UTF-8 bytes (WebSocket), or an already-parsed object
   * (IPC). Bytes are looked at before they are decoded: a refused message is never a string.
   */
  async handle(raw: unknown): Promise<void> {
    let data = raw;
    if (typeof raw === 'string' || raw instanceof Uint8Array) {
      const problem = jsonShapeProblem(raw);
      if (problem) return this.reply({ t: 'err', error: invalid(`message refused: ${problem}`) });
      try {
        data = JSON.parse(typeof raw === 'string' ? raw : utf8.decode(raw));
      } catch {
        return this.reply({ t: 'err', error: invalid('message is not JSON') });
      }
    }
    const env = clientMessage.safeParse(data);
    if (!env.success) {
      const id = (data as { id?: unknown } | null)?.id;
      const error = invalid(`malformed message: ${describeIssues(env.error)}`);
      if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)
        return this.reply({ t: 'res', id, ok: false, error });
      return this.reply({ t: 'err', error });
    }
    const msg = env.data as ClientMessage;
    if (msg.t === 'req') return this.request(msg.id, msg.ch, msg.p);
    return this.send(msg.ch, msg.p);
  }

  private async request(id: number, ch: string, p: unknown): Promise<void> {
    if (!isRequestName(ch))
      return this.reply({ t: 'res', id, ok: false, error: invalid(`unknown request: ${ch.slice(0, 64)}`) });
    try {
      const value = await this.run(ch, p ?? {});
      this.reply({ t: 'res', id, ok: true, value: value ?? null });
    } catch (e) {
      if (!(e instanceof OrchardError)) console.error(`[orchard] request ${ch} failed:`, e);
      this.reply({ t: 'res', id, ok: false, error: toErrorValue(e) });
    }
  }

  private async run(ch: RequestName, p: unknown): Promise<unknown> {
    const parsed = requestSchemas[ch].safeParse(p);
    if (!parsed.success)
      throw new OrchardError('invalid-argument', `invalid ${ch} request: ${describeIssues(parsed.error)}`);
    const params = parsed.data as never;
    if (ch === 'attach') {
      const a = parsed.data as { term: string; session: string; cols: number; rows: number };
      await this.terminals.attach(a.term, a.session, a.cols, a.rows);
      return { term: a.term, session: a.session };
    }
    const ctx: HandlerContext = this.core.handlerContext;
    return (handlers[ch] as (p: never, c: HandlerContext) => Promise<unknown>)(params, ctx);
  }

  private send(ch: string, p: unknown): void {
    if (!isSendName(ch)) return this.reply({ t: 'err', error: invalid(`unknown send: ${ch.slice(0, 64)}`) });
    const parsed = sendSchemas[ch].safeParse(p);
    if (!parsed.success)
      return this.reply({ t: 'err', error: invalid(`invalid ${ch}: ${describeIssues(parsed.error)}`) });
    this.dispatch(ch, parsed.data);
  }

  private dispatch(ch: SendName, p: unknown): void {
    const t = this.terminals;
    switch (ch) {
      case 'terminalInput': {
        const x = p as { term: string; data: string };
        return t.input(x.term, x.data);
      }
      case 'terminalResize': {
        const x = p as { term: string; cols: number; rows: number };
        return t.resize(x.term, x.cols, x.rows);
      }
      case 'terminalAck': {
        const x = p as { term: string; chars: number };
        return t.ack(x.term, x.chars);
      }
      case 'detach':
        return t.detach((p as { term: string }).term);
      case 'subscribe':
        return this.subscribe((p as { event: SubscribableEvent }).event);
      case 'unsubscribe':
        return this.unsubscribe((p as { event: SubscribableEvent }).event);
    }
  }

  private subscribe(event: SubscribableEvent): void {
    if (this.subscriptions.has(event) || this.closed) return;
    this.subscriptions.set(event, this.core.retain(event, this));
  }

  private unsubscribe(event: SubscribableEvent): void {
    this.subscriptions.get(event)?.dispose();
    this.subscriptions.delete(event);
  }

  /** For tests and the transports: how many terminals this client holds open. */
  get terminalCount(): number {
    return this.terminals.size;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.onDispose();
    for (const d of this.subscriptions.values()) d.dispose();
    this.subscriptions.clear();
    this.disposables.dispose();
  }
}
