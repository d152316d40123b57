// The Electron IPC transport: the main window's renderer ⇄ the router, on the contract's one
// channel. Every message passes ipc-guard.ts first; only then does the router (or the shell) see it.
import { IPC_CHANNEL, type ServerMessage, type ShellSendName } from '../shared/api.ts';
import type { Connection, Peer } from '../core/rpc/index.ts';
import { toDisposable, type Disposable } from '../core/util/lifecycle.ts';
import { checkMessage, type SenderInfo, type TrustedSender } from './ipc-guard.ts';
import type { AppLocation } from './security.ts';

/** The parts of Electron's objects the transport touches (so tests can hand it plain fakes). */
export interface WebContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, message: unknown): void;
  once(event: 'destroyed', listener: () => void): unknown;
  /** Electron passes details on the event (>= 25) and, deprecated, as positional arguments. */
  on?(
    event: 'did-start-navigation',
    listener: (
      e: { isMainFrame?: boolean; isSameDocument?: boolean },
      url?: string,
      inPlace?: boolean,
      mainFrame?: boolean,
    ) => void,
  ): unknown;
}
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}
export interface IpcEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: FrameLike | null;
}
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, message: unknown) => void): unknown;
}
export interface RouterLike {
  connect(peer: Peer): Pick<Connection, 'handle' | 'dispose'>;
}

export interface IpcTransportOptions {
  ipcMain: IpcMainLike;
  router: RouterLike;
  contents: WebContentsLike;
  app: AppLocation;
  /** The shell's own sends (e.g. tabsChanged), already validated. */
  onShellMessage(ch: ShellSendName, payload: unknown): void;
  /** Called for every message that passed the guard (the page is alive and talking). */
  onAccepted?(): void;
}

export function senderInfo(event: IpcEventLike): SenderInfo {
  const info: SenderInfo = { webContentsId: event.sender.id, isTopFrame: false, url: undefined };
  try {
    // senderFrame is null, or its properties throw, once the frame navigated away or was destroyed.
    const frame = event.senderFrame;
    if (frame) return { ...info, isTopFrame: frame.parent === null, url: frame.url };
  } catch {
    // refused below as a dead frame
  }
  return info;
}

export interface IpcTransport extends Disposable {
  /** Push a message to the window (events from the shell itself, e.g. shellCommand). */
  push(message: ServerMessage): void;
}

export function connectIpc(opts: IpcTransportOptions): IpcTransport {
  const { contents } = opts;
  const deliver = (target: WebContentsLike, message: unknown) => {
    if (!target.isDestroyed()) target.send(IPC_CHANNEL, message);
  };
  const peer: Peer = { id: `ipc:${contents.id}`, send: (m) => deliver(contents, m) };
  let conn = opts.router.connect(peer);
  let trusted: TrustedSender | null = { webContentsId: contents.id, app: opts.app };

  const listener = (event: IpcEventLike, raw: unknown) => {
    const c = checkMessage(senderInfo(event), trusted, raw);
    if (!c.ok) {
      // Answer the sender (only it learns of the refusal); nothing else happens.
      if (c.id !== undefined) deliver(event.sender, { t: 'res', id: c.id, ok: false, error: c.error });
      else deliver(event.sender, { t: 'err', error: c.error });
      return;
    }
    opts.onAccepted?.();
    if (c.kind === 'req') void conn.handle({ t: 'req', id: c.id, ch: c.ch, p: c.p });
    else if (c.kind === 'send') void conn.handle({ t: 'send', ch: c.ch, p: c.p });
    else opts.onShellMessage(c.ch, c.p);
  };
  opts.ipcMain.on(IPC_CHANNEL, listener);

  const done = toDisposable(() => {
    trusted = null;
    opts.ipcMain.removeListener(IPC_CHANNEL, listener);
    conn.dispose(); // detaches this window's terminals; the agents keep running in tmux
  });
  contents.once('destroyed', () => done.dispose());
  // A reload (View › Reload, or after the renderer crashed) keeps the webContents but is a new
  // page: its old terminals and subscriptions must go, or every reload leaks ptys (and SSH channels).
  contents.on?.('did-start-navigation', (e, _url, inPlace, mainFrame) => {
    const isMain = e?.isMainFrame ?? mainFrame ?? false;
    const sameDoc = e?.isSameDocument ?? inPlace ?? false;
    if (!isMain || sameDoc || trusted === null) return;
    conn.dispose();
    conn = opts.router.connect(peer);
  });
  return { push: (m) => deliver(contents, m), dispose: () => done.dispose() };
}
