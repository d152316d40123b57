// Electron: the preload's `window.orchard` (an OrchardBridge) turned into an OrchardApi. The
// bridge carries Replies, not exceptions (contextBridge drops Error subclasses' fields).
import {
  EVENTS,
  SHELL_EVENTS,
  type OrchardApi,
  type OrchardBridge,
  type RequestName,
  type RequestParams,
  type RequestResult,
} from '../../../shared/api.ts';
import { OrchardError } from '../../../shared/errors.ts';
import { Listeners } from './listeners.ts';

export function bridgeApi(bridge: OrchardBridge): OrchardApi {
  const listeners = new Listeners((event, on) => bridge.send(on ? 'subscribe' : 'unsubscribe', { event }));
  // One bridge listener per server event, forwarding to however many components listen.
  for (const name of [...EVENTS, ...SHELL_EVENTS]) bridge.on(name, (p) => listeners.fire(name, p));
  return {
    async request<K extends RequestName>(name: K, params: RequestParams<K>): Promise<RequestResult<K>> {
      const r = await bridge.request(name, params);
      if (!r.ok) throw new OrchardError(r.error.code, r.error.message, r.error.detail);
      return r.value as RequestResult<K>;
    },
    send(name, payload) {
      bridge.send(name, payload);
    },
    on(name, listener) {
      return listeners.add(name, listener);
    },
  };
}
