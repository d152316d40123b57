// The contract, on the wire and in the renderer: the message envelope both transports carry, and
// the API the renderer and the preload bridge expose. Part of src/shared/api.ts (the barrel).
import type { ErrorValue } from '../errors.ts';
import type {
  AnySendName,
  ClientEventName,
  EventName,
  EventPayload,
  RequestName,
  RequestParams,
  RequestResult,
  SendPayload,
  ShellEventName,
} from './channels.ts';

// ---------------------------------------------------------------------------------------------
// Wire messages: the same envelope over Electron IPC (one channel, IPC_CHANNEL) and the WebSocket.

export const IPC_CHANNEL = 'orchard:rpc';
/** WebSocket path served by `orchard web` (token in the `token` query parameter or cookie). */
export const WS_PATH = '/rpc';

export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorValue };

export type ClientMessage =
  { t: 'req'; id: number; ch: RequestName; p: unknown } | { t: 'send'; ch: AnySendName; p: unknown };

export type ServerMessage =
  | ({ t: 'res'; id: number } & Reply)
  | { t: 'evt'; ch: EventName | ShellEventName; p: unknown }
  /** A message the server could not take at all (not JSON, unknown kind, no id): nothing changed. */
  | { t: 'err'; error: ErrorValue };

// ---------------------------------------------------------------------------------------------
// What the renderer sees

/**
 * The renderer's API (src/renderer/src/api.ts implements it over the preload bridge or a WebSocket).
 * `request` rejects with an OrchardError (from ./errors.ts: `.code`, `.message`, `.detail`).
 */
export interface OrchardApi {
  request<K extends RequestName>(name: K, params: RequestParams<K>): Promise<RequestResult<K>>;
  send<K extends AnySendName>(name: K, payload: SendPayload<K>): void;
  /** Returns the unsubscribe function. Subscribable events are (un)subscribed on the server for you. */
  on<K extends ClientEventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

/**
 * What the preload exposes as `window.orchard` (contextBridge cannot carry Error subclasses, so
 * requests resolve to a Reply; src/renderer/src/api.ts turns it into an OrchardApi).
 */
export interface OrchardBridge {
  request(name: RequestName, params: unknown): Promise<Reply>;
  send(name: AnySendName, payload: unknown): void;
  on(name: EventName | ShellEventName, listener: (payload: unknown) => void): () => void;
}
