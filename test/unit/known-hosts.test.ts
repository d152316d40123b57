// known_hosts parsing and lookup, checked against OpenSSH's own tools: ssh-keygen hashes the
// entries (-H) and prints the fingerprints (-lf) we must agree with.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { judgeHostKey, preferredHostKeyAlgorithms } from '../../src/core/ssh/host-keys.ts';
import {
  entriesFor,
  fingerprint,
  hostFieldMatches,
  keyBlobType,
  knownHostsName,
  parseKnownHosts,
} from '../../src/core/ssh/known-hosts.ts';

let dir: string;
let ed: { line: string; blob: Buffer; fp: string };
let other: { line: string; blob: Buffer; fp: string };
let rsa: { line: string; blob: Buffer; fp: string };

function key(name: string, type = 'ed25519') {
  const f = join(dir, name);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-f',
    f,
  ]);
  const line = readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const fp = execFileSync('ssh-keygen', ['-lf', `${f}.pub`], { encoding: 'utf8' }).split(/\s+/)[1]!;
  return { line, blob: Buffer.from(line.split(' ')[1]!, 'base64'), fp };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchard-kh-'));
  ed = key('ed');
  other = key('other');
  rsa = key('rsa', 'rsa');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('known_hosts', () => {
  test('fingerprints and key types match ssh-keygen', () => {
    expect(fingerprint(ed.blob)).toBe(ed.fp);
    expect(fingerprint(rsa.blob)).toBe(rsa.fp);
    expect(keyBlobType(ed.blob)).toBe('ssh-ed25519');
    expect(keyBlobType(rsa.blob)).toBe('ssh-rsa');
  });

  test('names: plain on port 22, [host]:port otherwise', () => {
    expect(knownHostsName('example.com', 22)).toBe('example.com');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  test('patterns, wildcards, negation, comments, markers and junk', () => {
    const text = [
      '# a comment',
      '',
      `example.com,192.0.2.1 ${ed.line}`,
      `*.corp.example,!bad.corp.example ${ed.line} comment here`,
      `[127.0.0.1]:2222 ${other.line}`,
      `@revoked * ${rsa.line}`,
      `@cert-authority *.example ${other.line}`,
      'not a valid line',
      `host ssh-ed25519 not*base64`,
    ].join('\n');
    const entries = parseKnownHosts(text, 'kh');
    expect(entries).toHaveLength(5);
    expect(entries[0]!.source).toBe('kh:3');
    expect(entriesFor(entries, 'example.com').map((e) => e.source)).toEqual(['kh:3', 'kh:6']);
    expect(entriesFor(entries, 'a.corp.example')).toHaveLength(2);
    expect(entriesFor(entries, 'bad.corp.example').map((e) => e.source)).toEqual(['kh:6']);
    expect(entriesFor(entries, '[127.0.0.1]:2222').map((e) => e.source)).toEqual(['kh:5', 'kh:6']);
    expect(entriesFor(entries, '127.0.0.1')).toHaveLength(1); // only the @revoked wildcard
    expect(hostFieldMatches('EXAMPLE.com', 'example.COM')).toBe(true);
    expect(hostFieldMatches('h?st', 'host')).toBe(true);
  });

  test('hashed entries written by ssh-keygen -H are found, for plain and [host]:port names', () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `example.com ${ed.line}\n[127.0.0.1]:2222 ${other.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('example.com');
    expect(text).toMatch(/^\|1\|/m);
    const entries = parseKnownHosts(text, file);
    expect(entriesFor(entries, 'example.com').map((e) => e.key)).toEqual([ed.line.split(' ')[1]]);
    expect(entriesFor(entries, '[127.0.0.1]:2222').map((e) => e.key)).toEqual([other.line.split(' ')[1]]);
    expect(entriesFor(entries, '127.0.0.1')).toEqual([]);
    expect(entriesFor(entries, 'example.org')).toEqual([]);
  });
});

describe('host key verdicts', () => {
  const name = '[127.0.0.1]:2222';
  const trusted = (k: { line: string; fp: string }) => ({
    host: name,
    keyType: k.line.split(' ')[0]!,
    key: k.line.split(' ')[1]!,
    fingerprint: k.fp,
    addedAt: '2026-01-01T00:00:00Z',
  });

  test('known key → trusted; unknown → unknown; same type, other key → changed', () => {
    const known = parseKnownHosts(`${name} ${ed.line}\n`, 'kh');
    expect(judgeHostKey({ known, trusted: [] }, name, ed.blob)).toEqual({
      status: 'trusted',
      source: 'kh:1',
    });
    expect(judgeHostKey({ known: [], trusted: [] }, name, ed.blob)).toEqual({ status: 'unknown' });
    expect(judgeHostKey({ known, trusted: [] }, name, other.blob)).toEqual({
      status: 'changed',
      expected: ed.fp,
      source: 'kh:1',
    });
    // A key of another type for the host is not a change (OpenSSH asks, it does not cry wolf).
    expect(judgeHostKey({ known, trusted: [] }, name, rsa.blob)).toEqual({ status: 'unknown' });
  });

  test("Orchard's trust store counts, and conflicts with it too", () => {
    expect(judgeHostKey({ known: [], trusted: [trusted(ed)] }, name, ed.blob).status).toBe('trusted');
    expect(judgeHostKey({ known: [], trusted: [trusted(ed)] }, 'elsewhere', ed.blob).status).toBe('unknown');
    const v = judgeHostKey({ known: [], trusted: [trusted(ed)] }, name, other.blob);
    expect(v).toMatchObject({ status: 'changed', source: 'Orchard trust store' });
  });

  test('@revoked wins over a match', () => {
    const known = parseKnownHosts(`${name} ${rsa.line}\n@revoked * ${rsa.line}\n`, 'kh');
    expect(judgeHostKey({ known, trusted: [] }, name, rsa.blob).status).toBe('revoked');
  });

  test('known key types are offered first', () => {
    const known = parseKnownHosts(`${name} ${rsa.line}\n`, 'kh');
    expect(preferredHostKeyAlgorithms({ known, trusted: [] }, name).slice(0, 3)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(preferredHostKeyAlgorithms({ known: [], trusted: [] }, name)[0]).toBe('ssh-ed25519');
  });
});
