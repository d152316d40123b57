// Host key decisions: known_hosts files plus Orchard's own trust store. Unknown keys are refused
// with their fingerprint until the user trusts them; a changed key is refused loudly and nothing is
// ever replaced automatically.
import { readFile } from 'node:fs/promises';
import type { HostKey } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { TrustedHostKey } from '../store/store.ts';
import {
  algorithmsForKeyType,
  entriesFor,
  fingerprint,
  keyBlobType,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.ts';

export type HostKeyVerdict =
  | { status: 'trusted'; source: string }
  | { status: 'unknown' }
  | { status: 'changed'; expected: string; source: string }
  | { status: 'revoked'; source: string };

/** What we know about the keys of one host (its known_hosts name), for one connection attempt. */
export interface HostKeyBook {
  known: KnownHostEntry[];
  trusted: TrustedHostKey[];
}

function trustedAsEntries(trusted: readonly TrustedHostKey[]): KnownHostEntry[] {
  return trusted.map((t) => ({
    marker: null,
    hosts: t.host,
    keyType: t.keyType,
    key: t.key,
    source: 'Orchard trust store',
  }));
}

/** OpenSSH's rules: any matching key wins (unless revoked); a different key of the same type is a change. */
export function judgeHostKey(book: HostKeyBook, name: string, blob: Buffer): HostKeyVerdict {
  const key = blob.toString('base64');
  const type = keyBlobType(blob);
  const all = [
    ...entriesFor(book.known, name),
    ...trustedAsEntries(book.trusted.filter((t) => t.host === name)),
  ];
  const revoked = book.known.find((e) => e.marker === 'revoked' && e.key === key);
  if (revoked) return { status: 'revoked', source: revoked.source };
  const match = all.find((e) => e.marker === null && e.key === key);
  if (match) return { status: 'trusted', source: match.source };
  const sameType = all.find((e) => e.marker === null && e.keyType === type);
  if (sameType)
    return {
      status: 'changed',
      expected: fingerprint(Buffer.from(sameType.key, 'base64')),
      source: sameType.source,
    };
  return { status: 'unknown' };
}

/** Host key algorithms to offer, the types already known for this host first (as OpenSSH orders them). */
export function preferredHostKeyAlgorithms(book: HostKeyBook, name: string): string[] {
  const defaults = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ];
  const known = [
    ...entriesFor(book.known, name).filter((e) => e.marker === null),
    ...trustedAsEntries(book.trusted.filter((t) => t.host === name)),
  ].flatMap((e) => algorithmsForKeyType(e.keyType));
  const first = known.filter((a, i) => defaults.includes(a) && known.indexOf(a) === i);
  return [...first, ...defaults.filter((a) => !first.includes(a))];
}

export async function readKnownHostsFiles(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all = await Promise.all(
    files.map((f) =>
      readFile(f, 'utf8').then(
        (text) => parseKnownHosts(text, f),
        () => [],
      ),
    ),
  );
  return all.flat();
}

/** The presented key, kept so `orchard host trust` (and the window) can show and store it. */
export type PresentedKey = HostKey;

export function presentedKey(name: string, blob: Buffer): PresentedKey {
  return {
    host: name,
    keyType: keyBlobType(blob),
    key: blob.toString('base64'),
    fingerprint: fingerprint(blob),
  };
}

/** The error a refused key becomes. `label` is how the user names the host (alias or hop). */
export function hostKeyError(label: string, verdict: HostKeyVerdict, k: PresentedKey): OrchardError | null {
  switch (verdict.status) {
    case 'trusted':
      return null;
    case 'unknown':
      return new OrchardError(
        'host-key-unknown',
        `host key of ${label} (${k.host}) is not known: ${k.keyType} ${k.fingerprint}. ` +
          `If that is the right key, trust it with: orchard host trust ${label} --fingerprint ${k.fingerprint}`,
        JSON.stringify(k),
      );
    case 'changed':
      return new OrchardError(
        'host-key-changed',
        `WARNING: the host key of ${label} (${k.host}) has CHANGED: it presented ${k.keyType} ${k.fingerprint}, ` +
          `but ${verdict.source} holds ${verdict.expected}. Someone may be intercepting the connection; ` +
          `Orchard refuses to connect and replaces nothing. If the change is expected, remove the old key ` +
          `(ssh-keygen -R, or orchard host trust ${label} --replace --fingerprint <new>).`,
        JSON.stringify(k),
      );
    case 'revoked':
      return new OrchardError(
        'host-key-changed',
        `host key of ${label} (${k.host}) ${k.fingerprint} is marked @revoked in ${verdict.source}; refused`,
        JSON.stringify(k),
      );
  }
}
