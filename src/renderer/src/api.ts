// The ONE module the renderer talks through. In Electron the preload exposes `window.orchard`
// (src/preload); in a browser (`orchard web`) the same contract runs over a WebSocket, with the
// token taken from the page URL (?token=...) and kept in sessionStorage so reloads keep working.
// Components receive `api` (an OrchardApi, typed from src/shared/api.ts) and never know which.
import { WS_PATH, type OrchardApi, type OrchardBridge } from '../../shared/api.ts';
import { bridgeApi } from './transport/bridge.ts';
import { webSocketApi } from './transport/websocket.ts';

const TOKEN_KEY = 'orchard.token';

/** The token from `?token=` (then removed from the address bar) or from this tab's sessionStorage. */
export function browserToken(
  loc: Location = window.location,
  storage: Storage = window.sessionStorage,
): string {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    // Keep the token out of the visible URL, bookmarks and screenshots; sessionStorage holds it.
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}

export function webSocketUrl(loc: Location, token: string): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  // The socket needs the token itself (the cookie only serves the page's files): without one in this
  // tab the server refuses it, and the page says to open the URL `orchard web` printed.
  return `${proto}//${loc.host}${WS_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

function pick(): OrchardApi {
  const bridge = (window as unknown as { orchard?: OrchardBridge }).orchard;
  if (bridge) return bridgeApi(bridge);
  return webSocketApi({ url: webSocketUrl(window.location, browserToken()) });
}

let chosen: OrchardApi | undefined;

/** The transport is picked (and a socket opened) on first use, not on import: tests can swap it. */
export function getApi(): OrchardApi {
  return (chosen ??= pick());
}

/** For tests and stories: use this implementation instead. */
export function setApi(impl: OrchardApi): void {
  chosen = impl;
}

export const api: OrchardApi = {
  request: (name, params) => getApi().request(name, params),
  send: (name, payload) => getApi().send(name, payload),
  on: (name, listener) => getApi().on(name, listener),
};
