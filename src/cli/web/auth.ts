// Who may talk to `orchard web`: a random token on every HTTP and WebSocket request (query
// parameter, cookie or bearer header), a Host header naming this server (a loopback name or the
// address/name it was bound to: DNS rebinding), and a same-origin Origin on the WebSocket.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * A host name or address as a URL parser sees it: IPv4 shorthand and hex/octal forms become dotted
 * quads (`127.1` is 127.0.0.1), IPv6 is compressed and bracketed, names lower-cased. Undefined when
 * it is no host at all.
 */
export function canonicalHost(addr: string): string | undefined {
  const bare = addr.replace(/^\[|\]$/g, '');
  try {
    return new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** 127.0.0.0/8, ::1 (and IPv4-mapped 127/8), `localhost`, in any spelling. */
export function isLoopback(addr: string): boolean {
  const h = canonicalHost(addr);
  if (h === undefined) return false;
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    h === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h)
  );
}

/** A wildcard bind: every address of this machine. */
export function isWildcard(addr: string): boolean {
  const h = canonicalHost(addr);
  return h === '0.0.0.0' || h === '[::]';
}

/**
 * The names a Host header may carry besides loopback ones (DNS rebinding: a page on any other
 * name must not reach the server, whatever address it resolved to): the address or name the user
 * bound to, or for a wildcard bind this machine's addresses and host name.
 */
export function allowedHostNames(
  bound: string,
  machine: { addresses: readonly string[]; hostname: string },
): Set<string> {
  const names = isWildcard(bound) ? [...machine.addresses, machine.hostname] : [bound];
  return new Set(names.map(canonicalHost).filter((h): h is string => h !== undefined));
}

/** Cookies are not scoped by port: the name carries it, so two servers on one machine do not clash. */
export const cookieName = (port: number): string => `orchard_token_${port}`;

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Gate {
  token: string;
  port: number;
  /** Canonical host names the Host header may name besides loopback ones (allowedHostNames). */
  hostNames: ReadonlySet<string>;
}

/**
 * The token this request carries, from the query, an Authorization header or (when allowed) the
 * cookie. The cookie is good for the page's static files only: browsers send a cookie to every
 * port of a host, so any other server on localhost (a dev server an agent just wrote) would see it;
 * the WebSocket, which drives the agents, takes the token only from the query or the header.
 */
export function presentedToken(
  req: IncomingMessage,
  url: URL,
  port: number,
  allowCookie = true,
): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  // An empty `token=` counts as absent.
  const fromCookie = allowCookie ? cookie(req, cookieName(port)) : undefined;
  return url.searchParams.get('token') || bearer || fromCookie || undefined;
}

/** The Host header names this server: a loopback name or one the user bound to, and its port. */
export function hostAllowed(req: IncomingMessage, gate: Gate): boolean {
  const host = req.headers.host;
  if (!host) return false;
  try {
    const u = new URL(`http://${host}`);
    if (Number(u.port || 80) !== gate.port) return false;
    return isLoopback(u.hostname) || gate.hostNames.has(u.hostname.toLowerCase());
  } catch {
    return false;
  }
}

export function tokenValid(req: IncomingMessage, url: URL, gate: Gate, allowCookie = true): boolean {
  const t = presentedToken(req, url, gate.port, allowCookie);
  return t !== undefined && same(t, gate.token);
}

/**
 * Browsers always send Origin on a WebSocket handshake: it must be this very server (a page on
 * another site must not drive the agents even if it learnt the token). Non-browser clients may
 * omit it; they still need the token.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === req.headers.host;
  } catch {
    return false;
  }
}
