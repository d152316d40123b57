// The SSH connection pool with stand-in connections: the channel cap per connection, another
// connection for more, dropping broken ones, and backoff while a host is down.
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { describe, expect, test } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import type { Connected } from '../../src/core/ssh/connect.ts';
import { SshPool } from '../../src/core/ssh/pool.ts';

function fakeConnector() {
  const opened: EventEmitter[] = [];
  let fail: OrchardError | null = null;
  let attempts = 0;
  return {
    opened,
    get attempts() {
      return attempts;
    },
    setFail(e: OrchardError | null) {
      fail = e;
    },
    async connect(): Promise<Connected> {
      attempts++;
      if (fail) throw fail;
      const client = new EventEmitter();
      opened.push(client);
      return {
        client: client as unknown as Client,
        hostKey: { host: 'h', keyType: 'ssh-ed25519', key: '', fingerprint: 'SHA256:x' },
        end: () => client.emit('close'),
      };
    },
  };
}

describe('SshPool', () => {
  test('at most 8 channels per connection; the 9th opens a second connection', async () => {
    const f = fakeConnector();
    const pool = new SshPool({ label: 'h', connect: () => f.connect() });
    const leases = await Promise.all(Array.from({ length: 12 }, () => pool.acquire()));
    expect(pool.connectionCount).toBe(2);
    expect(pool.channelCount).toBe(12);
    expect(new Set(leases.slice(0, 8).map((l) => l.client)).size).toBe(1);
    for (const l of leases) l.release();
    expect(pool.channelCount).toBe(0);
    // Freed slots are reused before dialling again.
    await Promise.all(Array.from({ length: 10 }, () => pool.acquire()));
    expect(f.attempts).toBe(2);
    pool.dispose();
  });

  test('a lower server limit (channel refused) lowers the cap of that connection', async () => {
    const f = fakeConnector();
    const pool = new SshPool({ label: 'h', connect: () => f.connect() });
    const four = await Promise.all(Array.from({ length: 4 }, () => pool.acquire()));
    four[3]!.markFull();
    four[3]!.release();
    await pool.acquire();
    expect(pool.connectionCount).toBe(2);
    pool.dispose();
  });

  test('a closed or broken connection is dropped and the next acquire dials again', async () => {
    const f = fakeConnector();
    const pool = new SshPool({ label: 'h', connect: () => f.connect() });
    const states: string[] = [];
    pool.onDidChangeState((s) => states.push(s));
    (await pool.acquire()).release();
    f.opened[0]!.emit('close');
    expect(pool.connectionCount).toBe(0);
    const l = await pool.acquire();
    expect(f.attempts).toBe(2);
    l.markBroken();
    expect(pool.connectionCount).toBe(0);
    expect(states).toEqual(['up', 'down', 'up', 'down']);
    pool.dispose();
  });

  test('while the host is down, calls fail at once until the backoff expires', async () => {
    const f = fakeConnector();
    const pool = new SshPool({ label: 'h', connect: () => f.connect(), backoffBaseMs: 60_000 });
    f.setFail(new OrchardError('host-unreachable', 'cannot reach h: ECONNREFUSED'));
    await expect(pool.acquire()).rejects.toThrow(/ECONNREFUSED/);
    await expect(pool.acquire()).rejects.toThrow(/next retry in \d+s/);
    expect(f.attempts).toBe(1);
    pool.dispose();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'host-unreachable' });
  });

  test('reached another way (a test, a passphrase given): the next acquire dials at once', async () => {
    const f = fakeConnector();
    const pool = new SshPool({ label: 'h', connect: () => f.connect(), backoffBaseMs: 60_000 });
    f.setFail(new OrchardError('auth-failed', 'h: key is encrypted and no passphrase was given'));
    await expect(pool.acquire()).rejects.toThrow(/no passphrase/);
    f.setFail(null);
    await expect(pool.acquire()).rejects.toThrow(/next retry in \d+s/);
    pool.forgetFailures();
    const lease = await pool.acquire();
    expect(f.attempts).toBe(2);
    lease.release();
    pool.dispose();
  });

  test('concurrent callers share one connection attempt', async () => {
    const f = fakeConnector();
    const pool = new SshPool({ label: 'h', connect: () => f.connect() });
    await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    expect(f.attempts).toBe(1);
    pool.dispose();
  });
});
