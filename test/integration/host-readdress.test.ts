// A host whose config changes is forgotten: removing it closes its connections, and a name re-added
// (or hand-edited) to point at another sshd reaches the new one, never the old connection. Two
// real OpenSSH servers on 127.0.0.1; each gives its sessions a HOME of its own, which tells them apart.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/core/engine.ts';
import { HostRegistry } from '../../src/core/hosts/registry.ts';
import { SshHostFactory } from '../../src/core/ssh/factory.ts';
import type { SshHost } from '../../src/core/ssh/ssh-host.ts';
import { makeEnv, type TestEnv } from '../helpers/env.ts';
import { makeSshd, type Sshd } from '../helpers/sshd.ts';

let a: Sshd;
let b: Sshd;
let env: TestEnv;
let engine: Engine;

beforeAll(async () => {
  [a, b] = await Promise.all([makeSshd(), makeSshd()]);
  env = await makeEnv();
  const knownHosts = join(env.home, 'known_hosts');
  const sshConfig = join(env.home, 'ssh_config');
  writeFileSync(knownHosts, `${a.knownHostsLine()}\n${b.knownHostsLine()}\n`);
  writeFileSync(sshConfig, 'IdentityAgent none\n');
  const factory = new SshHostFactory(env.engine.store, {
    settings: { configFile: sshConfig, knownHostsFile: knownHosts, env: process.env },
    backoffMaxMs: 500,
  });
  engine = new Engine(
    env.engine.store,
    new HostRegistry(env.home, { tmuxSocket: env.socket, remote: factory }),
  );
});

afterAll(async () => {
  engine?.dispose();
  env?.cleanup();
  await Promise.all([a?.cleanup(), b?.cleanup()]);
});

async function remoteHome(name: string): Promise<string> {
  const { host } = await engine.hosts.get(name);
  const r = await host.exec(['sh', '-c', 'printf %s "$HOME"']);
  return r.stdout;
}

const address = (s: Sshd) => `${s.user}@127.0.0.1:${s.port}`;

test('remove a host and re-add the name at another port: the new sshd answers, the old connection is closed', async () => {
  await engine.addHost({ name: 'box', ssh: address(a), identity: a.userKey });
  expect(await remoteHome('box')).toBe(a.remoteHome);
  const old = (await engine.hosts.get('box')).host as SshHost;
  expect(old.usage.connections).toBe(1);
  expect(engine.hosts.contact('box').status).toBe('unknown');
  await engine.list();
  expect(engine.hosts.contact('box').status).toBe('ok');

  await engine.removeHost('box');
  expect(old.usage.connections).toBe(0);
  await expect(engine.hosts.get('box')).rejects.toMatchObject({ code: 'host-not-found' });

  await engine.addHost({ name: 'box', ssh: address(b), identity: b.userKey });
  expect(await remoteHome('box')).toBe(b.remoteHome);
  expect(old.usage.connections).toBe(0);
});

test('a hand-edited address (another process, or an editor) is noticed on the next call', async () => {
  const before = (await engine.hosts.get('box')).host as SshHost;
  expect(await remoteHome('box')).toBe(b.remoteHome);
  await engine.store.update((c) => {
    const h = c.hosts.find((x) => x.name === 'box')!;
    h.ssh = address(a);
    h.identity = a.userKey;
  });
  expect(await remoteHome('box')).toBe(a.remoteHome);
  expect(before.usage.connections).toBe(0);
  // A host removed behind the engine's back is dropped by the next list.
  const now = (await engine.hosts.get('box')).host as SshHost;
  await engine.store.update((c) => {
    c.hosts = c.hosts.filter((x) => x.name !== 'box');
  });
  await engine.list();
  expect(now.usage.connections).toBe(0);
});

test('the status follows contact: an unreachable host says so, and why', async () => {
  await engine.addHost({ name: 'gone', ssh: address(b), identity: b.userKey });
  await b.stop();
  try {
    await engine.list();
    const c = engine.hosts.contact('gone');
    expect(c.status).toBe('unreachable');
    expect(c.error).toMatch(/gone/);
    const listed = (await engine.listHosts()).find((h) => h.name === 'gone');
    expect(listed).toMatchObject({ status: 'unreachable', error: c.error });
  } finally {
    await b.start();
  }
});
