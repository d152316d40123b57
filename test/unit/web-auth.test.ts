// Who may talk to `orchard web`: loopback in every spelling, and the Host header check (DNS
// rebinding) kept on for any bind address, accepting the bound names plus loopback names.
import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import {
  allowedHostNames,
  canonicalHost,
  hostAllowed,
  isLoopback,
  type Gate,
} from '../../src/cli/web/auth.ts';

const machine = { addresses: ['127.0.0.1', '192.168.1.20', '::1', 'fe80::1'], hostname: 'Box' };
const req = (host?: string) => ({ headers: host === undefined ? {} : { host } }) as IncomingMessage;
const gate = (bound: string): Gate => ({
  token: 't',
  port: 8080,
  hostNames: allowedHostNames(bound, machine),
});

describe('isLoopback', () => {
  test.each([
    '127.0.0.1',
    '127.1',
    '127.0.1',
    '127.255.255.254',
    '0x7f.1',
    '2130706433',
    'localhost',
    'LOCALHOST',
    'app.localhost',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::ffff:127.9.8.7',
  ])('%s is loopback', (a) => expect(isLoopback(a)).toBe(true));
  test.each([
    '0.0.0.0',
    '::',
    '128.0.0.1',
    '10.0.0.1',
    '192.168.1.20',
    'box.lan',
    '127.0.0.1.evil.com',
    '::2',
    '',
    'a b',
  ])('%s is not', (a) => expect(isLoopback(a)).toBe(false));
  test('canonical forms', () => {
    expect(canonicalHost('127.1')).toBe('127.0.0.1');
    expect(canonicalHost('[0:0::1]')).toBe('[::1]');
    expect(canonicalHost('Box.LAN')).toBe('box.lan');
    expect(canonicalHost('a b')).toBeUndefined();
  });
});

describe('the Host header check stays on whatever the bind address', () => {
  test('loopback bind (127.1): loopback names only', () => {
    const g = gate('127.1');
    for (const h of ['127.0.0.1:8080', '127.1:8080', 'localhost:8080', '[::1]:8080'])
      expect(hostAllowed(req(h), g), h).toBe(true);
    for (const h of ['evil.example:8080', '192.168.1.20:8080', '127.0.0.1:9999', '127.0.0.1', undefined, ''])
      expect(hostAllowed(req(h), g), String(h)).toBe(false);
  });
  test('a non-loopback address: that address and loopback names, no other name', () => {
    const g = gate('192.168.1.20');
    for (const h of ['192.168.1.20:8080', 'localhost:8080', '127.0.0.1:8080'])
      expect(hostAllowed(req(h), g), h).toBe(true);
    for (const h of ['evil.example:8080', 'box:8080', '192.168.1.21:8080', '192.168.1.20:80'])
      expect(hostAllowed(req(h), g), h).toBe(false);
  });
  test('a name: that name (any case) and loopback names', () => {
    const g = gate('box.lan');
    expect(hostAllowed(req('BOX.lan:8080'), g)).toBe(true);
    expect(hostAllowed(req('box.lan.evil.example:8080'), g)).toBe(false);
  });
  test("a wildcard bind: this machine's addresses and host name", () => {
    for (const bound of ['0.0.0.0', '::']) {
      const g = gate(bound);
      for (const h of ['192.168.1.20:8080', 'box:8080', '[fe80::1]:8080', '127.0.0.1:8080'])
        expect(hostAllowed(req(h), g), `${bound} ${h}`).toBe(true);
      for (const h of ['evil.example:8080', '10.9.9.9:8080']) expect(hostAllowed(req(h), g), h).toBe(false);
    }
  });
});
