// Host names and SSH addresses, checked the same way wherever they enter: the router's schemas,
// the CLI (through the same schemas), ProxyJump hops read from ssh config, and the window's host
// dialog (which says what is wrong before sending). An address that can never work is refused
// here with a reason, so nothing unusable is ever stored.

export interface SshAddress {
  user?: string;
  /** A DNS name, an IPv4 address, or an IPv6 address (without brackets). */
  host: string;
  port?: number;
}

/** Orchard's own name for a host: what `--host`, repo refs (`name:path`) and the sidebar use. */
export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What a host name may be, for messages. */
export const HOST_NAME_RULE = 'letters, digits, . _ - (starting with a letter or digit, at most 64)';

/** POSIX-portable user names (plus the uppercase letters some systems allow); no leading '-'. */
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** RFC 4291 text forms: up to 8 groups, one `::`, an optional trailing IPv4, a `%zone`. */
export function isIPv6(s: string): boolean {
  const [addr, zone, ...more] = s.split('%');
  if (more.length || addr === undefined || (zone !== undefined && !/^[A-Za-z0-9_.-]{1,32}$/.test(zone)))
    return false;
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const all = groups.flat();
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    count++; // an embedded IPv4 address fills two groups
    all.pop();
  }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** A DNS name (labels of letters, digits and inner hyphens) or an IP address. */
export function isHostAddress(s: string): boolean {
  if (isIPv4(s) || isIPv6(s)) return true;
  if (s.length > 253) return false;
  const labels = s.replace(/\.$/, '').split('.');
  // All-numeric dotted names that are not IPv4 (127.1, 999.1.1.1) are refused: resolvers disagree.
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  return labels.every((l) => LABEL.test(l));
}

/** Control characters (C0, DEL, C1) or a lone surrogate: text no name or address may hold. */
export function hasUnsafeChars(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  if (/[\x00-\x1f\x7f-\x9f]/.test(s)) return true;
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * `[user@]host[:port]`, `[user@][v6addr][:port]`, a bare IPv6 address (no port: its colons would be
 * ambiguous) or `ssh://` with any of those. Returns the address, or why it is not one.
 */
export function parseSshAddress(spec: string): SshAddress | string {
  const what = 'an ssh address is [user@]host[:port] (IPv6 in brackets when a port follows)';
  if (spec.length > 300) return `${what}; this one is too long`;
  if (hasUnsafeChars(spec)) return `${what}; this one holds control characters`;
  const s = spec.startsWith('ssh://') ? spec.slice(6).replace(/\/$/, '') : spec;
  const at = s.lastIndexOf('@');
  const user = at >= 0 ? s.slice(0, at) : undefined;
  const rest = at >= 0 ? s.slice(at + 1) : s;
  if (user !== undefined && !USER.test(user))
    return `not a user name: ${JSON.stringify(user)} (letters, digits, . _ -, not starting with -)`;
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
    if (!isIPv6(host)) return `not an IPv6 address: ${JSON.stringify(host)}`;
  } else if (isIPv6(rest)) {
    host = rest;
  } else {
    const colon = rest.indexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (!isHostAddress(host)) return `not a host name or address: ${JSON.stringify(host)} (${what})`;
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) return `not a port: ${JSON.stringify(portText)} (1 to 65535)`;
  }
  return { ...(user !== undefined ? { user } : {}), host, ...(port !== undefined ? { port } : {}) };
}
