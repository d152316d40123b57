// OpenSSH known_hosts: parsing and lookup (plain, wildcard, negated and hashed `|1|salt|hash`
// entries, `[host]:port` for non-default ports, @revoked). Pure functions; files are read elsewhere.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  /** null: a plain line; 'revoked' / 'cert-authority': the @marker. */
  marker: 'revoked' | 'cert-authority' | null;
  /** Comma-separated patterns as written, or one hashed `|1|salt|hash` token. */
  hosts: string;
  keyType: string;
  /** base64 of the public key blob (the SSH wire encoding). */
  key: string;
  /** Where it came from, for error messages: file:line. */
  source: string;
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key || !/^[A-Za-z0-9+/]+=*$/.test(key)) return;
    // A real key blob names its own type; anything else is not a key line.
    if (keyBlobType(Buffer.from(key, 'base64')) !== keyType) return;
    out.push({ marker, hosts, keyType, key, source: `${file}:${i + 1}` });
  });
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

function hashedMatches(token: string, name: string): boolean {
  const parts = token.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const want = createHmac('sha1', salt).update(name).digest('base64');
  return want === parts[3];
}

/** Whether an entry's host field names `name` (`host` or `[host]:port`), OpenSSH's rules. */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const raw of hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!pattern || !globToRegExp(pattern).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The key type written inside a public key blob (its first SSH string). */
export function keyBlobType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:...` as `ssh-keygen -lf` prints it (unpadded base64). */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Host key algorithms that a known_hosts key type can be verified with (RSA signs three ways). */
export function algorithmsForKeyType(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}

export function entriesFor(entries: readonly KnownHostEntry[], name: string): KnownHostEntry[] {
  return entries.filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, name));
}
