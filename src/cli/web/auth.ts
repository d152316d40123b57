// Who may talk to `orchard web`: a random token on every HTTP and WebSocket request (query
// parameter, cookie or bearer header), a Host header naming this server while it listens on
// loopback only (DNS rebinding), and a same-origin Origin on the WebSocket (cross-site pages).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isLoopback(addr: string): boolean {
  const a = addr.replace(/^\[|\]$/g, '').toLowerCase();
  return a === 'localhost' || a === '::1' || /^127(\.\d{1,3}){3}$/.test(a) || a === '::ffff:127.0.0.1';
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
  /** Listening on loopback only: then the Host header must name this machine. */
  loopbackOnly: boolean;
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

export function hostAllowed(req: IncomingMessage, gate: Gate): boolean {
  if (!gate.loopbackOnly) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    const u = new URL(`http://${host}`);
    return isLoopback(u.hostname) && Number(u.port || 80) === gate.port;
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
