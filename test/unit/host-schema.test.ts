// Host names and SSH addresses: the one schema the router and the CLI share refuses what can
// never work (issue: addHost over the WebSocket stored `--help`, `__proto__`, lone surrogates,
// 5,000-char strings, port 99999) and takes real addresses, IPv6 included.
import { describe, expect, test } from 'vitest';
import { isIPv6, parseSshAddress } from '../../src/shared/address.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import { parseRequest, requestSchemas } from '../../src/core/rpc/schemas.ts';

const ok = (p: unknown) => requestSchemas.addHost.safeParse(p).success;

describe('addHost params', () => {
  test.each([
    [{ name: 'devbox' }],
    [{ name: 'gpu-1.lab', ssh: 'me@gpu.example.com' }],
    [{ name: 'h', ssh: 'me@127.0.0.1:2222' }],
    [{ name: 'h', ssh: '10.0.0.5' }],
    [{ name: 'h', ssh: 'me@[::1]:2222' }],
    [{ name: 'h', ssh: '[fe80::1%eth0]' }],
    [{ name: 'h', ssh: 'fe80::1' }],
    [{ name: 'h', ssh: 'root@2001:db8::7' }],
    [{ name: 'h', ssh: '[::ffff:192.0.2.1]:22' }],
    [{ name: 'h', ssh: 'ssh://u_1@h.example:65535' }],
    [{ name: 'h', identity: '/home/me/.ssh/id_ed25519' }],
    [{ name: 'h', identity: '~/.ssh/id_ed25519' }],
  ])('takes %j', (p) => expect(ok(p)).toBe(true));

  const long = 'a'.repeat(5000);
  test.each([
    ['an option as a name', { name: '--help' }],
    ['__proto__', { name: '__proto__' }],
    ['constructor-ish', { name: '_x' }],
    ['local', { name: 'local' }],
    ['a colon', { name: 'a:b' }],
    ['a lone surrogate in the name', { name: 'a\uD800' }],
    ['a 5,000-char name', { name: long }],
    ['a control character', { name: 'a\u001b' }],
    ['port 99999', { name: 'h', ssh: 'me@h:99999' }],
    ['port 0', { name: 'h', ssh: 'me@h:0' }],
    ['a port that is not a number', { name: 'h', ssh: 'h:ssh' }],
    ['an option as the address', { name: 'h', ssh: '-oProxyCommand=touch /tmp/x' }],
    ['an option as the user', { name: 'h', ssh: '--help@host' }],
    ['__proto__ as the address', { name: 'h', ssh: '__proto__' }],
    ['a space', { name: 'h', ssh: 'me@a b' }],
    ['a lone surrogate in the address', { name: 'h', ssh: 'me@h\uDC00' }],
    ['C1 control in the address', { name: 'h', ssh: 'me@h\u009b' }],
    ['a 5,000-char address', { name: 'h', ssh: `${long}.com` }],
    ['an unbracketed IPv6 with a port', { name: 'h', ssh: '[::1:22' }],
    ['a bad IPv6', { name: 'h', ssh: '[1::2::3]:22' }],
    ['an empty user', { name: 'h', ssh: '@host' }],
    ['an option as the identity', { name: 'h', identity: '--help' }],
    ['a relative identity', { name: 'h', identity: 'id_ed25519' }],
    ['a control character in the identity', { name: 'h', identity: '/k\u0007' }],
    ['an unknown key', { name: 'h', evil: 1 }],
    ['__proto__ as a key', JSON.parse('{"name":"h","__proto__":{"x":1}}')],
  ])('refuses %s', (_what, p) => expect(ok(p)).toBe(false));

  test('parseRequest gives the schema verdict as one readable invalid-argument error', () => {
    expect(() => parseRequest('addHost', { name: 'h', ssh: 'me@h:99999' })).toThrow(OrchardError);
    expect(() => parseRequest('addHost', { name: 'h', ssh: 'me@h:99999' })).toThrow(
      /ssh: not a port: "99999" \(1 to 65535\)/,
    );
    expect(parseRequest('addHost', { name: 'h', ssh: 'me@[::1]:22' })).toEqual({
      name: 'h',
      ssh: 'me@[::1]:22',
    });
  });
});

describe('the other host requests and setLimits', () => {
  test('names and fingerprints are checked', () => {
    expect(requestSchemas.testHost.safeParse({ name: 'local' }).success).toBe(true);
    expect(requestSchemas.hostInfo.safeParse({ name: '--help' }).success).toBe(false);
    const fp = 'SHA256:' + 'Ab+/'.repeat(10) + 'xyz';
    expect(requestSchemas.trustHost.safeParse({ name: 'h', fingerprint: fp }).success).toBe(true);
    expect(requestSchemas.trustHost.safeParse({ name: 'h', fingerprint: 'SHA256:short' }).success).toBe(
      false,
    );
    expect(requestSchemas.trustHost.safeParse({ name: 'h' }).success).toBe(false);
  });

  test('limits need a value and a sane size', () => {
    const id = 'abc123';
    expect(requestSchemas.setLimits.safeParse({ id, limits: { cpu: 150 } }).success).toBe(true);
    expect(requestSchemas.setLimits.safeParse({ id, limits: {} }).success).toBe(false);
    expect(requestSchemas.setLimits.safeParse({ id, limits: { memory: 1024 } }).success).toBe(false);
    expect(requestSchemas.setLimits.safeParse({ id: 'x y', limits: { cpu: 150 } }).success).toBe(false);
  });
});

describe('addresses', () => {
  test('IPv6 forms', () => {
    for (const a of ['::', '::1', '1:2:3:4:5:6:7:8', '2001:db8::', '::ffff:10.0.0.1', 'fe80::1%eth0'])
      expect(isIPv6(a), a).toBe(true);
    for (const a of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '::1%', '1:2:3:4:5:6:7'])
      expect(isIPv6(a), a).toBe(false);
  });

  test('parsed into user, host and port', () => {
    expect(parseSshAddress('me@[::1]:2222')).toEqual({ user: 'me', host: '::1', port: 2222 });
    expect(parseSshAddress('2001:db8::7')).toEqual({ host: '2001:db8::7' });
    expect(parseSshAddress('me@host.example')).toEqual({ user: 'me', host: 'host.example' });
    expect(parseSshAddress('127.1')).toMatch(/not a host name or address/);
  });
});
