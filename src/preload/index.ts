// Preload: exposes exactly the contract (src/shared/api.ts) as `window.orchard`, an OrchardBridge.
// Channel names are checked against the contract's allow-lists (the router's channels and the
// desktop shell's, SHELL_SENDS / SHELL_EVENTS) before anything reaches ipcRenderer;
// the page never gets ipcRenderer itself, an IpcRendererEvent, or process.env. Everything travels
// on one IPC channel as the same envelope the WebSocket uses (ClientMessage / ServerMessage).
import { contextBridge, ipcRenderer } from 'electron';
import {
  IPC_CHANNEL,
  isEventName,
  isRequestName,
  isSendName,
  isShellEventName,
  isShellSendName,
  type ClientMessage,
  type EventName,
  type ShellEventName,
  type OrchardBridge,
  type Reply,
  type ServerMessage,
} from '../shared/api.ts';

const pending = new Map<number, (r: Reply) => void>();
const listeners = new Map<EventName | ShellEventName, Set<(payload: unknown) => void>>();
let nextId = 1;

ipcRenderer.on(IPC_CHANNEL, (_event, m: ServerMessage) => {
  if (!m || typeof m !== 'object') return;
  if (m.t === 'res') {
    const done = pending.get(m.id);
    pending.delete(m.id);
    done?.(m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error });
  } else if (m.t === 'evt' && (isEventName(m.ch) || isShellEventName(m.ch))) {
    for (const l of [...(listeners.get(m.ch) ?? [])]) {
      try {
        l(m.p);
      } catch (e) {
        console.error(`[orchard] ${m.ch} listener failed`, e);
      }
    }
  } else if (m.t === 'err') console.warn('[orchard] main refused a message:', m.error.message);
});

const post = (m: ClientMessage) => ipcRenderer.send(IPC_CHANNEL, m);

const bridge: OrchardBridge = {
  request(name, params) {
    if (!isRequestName(name))
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid-argument', message: `unknown request: ${String(name)}` },
      });
    const id = nextId++;
    return new Promise<Reply>((resolve) => {
      pending.set(id, resolve);
      post({ t: 'req', id, ch: name, p: params });
    });
  },
  send(name, payload) {
    if (isSendName(name) || isShellSendName(name)) post({ t: 'send', ch: name, p: payload });
  },
  on(name, listener) {
    if (!(isEventName(name) || isShellEventName(name)) || typeof listener !== 'function') return () => {};
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    // Only the payload crosses: never the IpcRendererEvent (it would hand the page `sender`).
    const fn = (p: unknown) => listener(p);
    set.add(fn);
    return () => void set.delete(fn);
  },
};

contextBridge.exposeInMainWorld('orchard', bridge);
