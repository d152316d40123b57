// Dev servers of agents: the ports a session's process tree listens on (local and over a real
// sshd), and forwarding an SSH session's port to this machine's loopback through the pooled
// connection — surviving an sshd restart, closing with the session, refusing ports it does not own.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { makeRepo, ROOT, runCli, waitFor } from '../helpers/env.ts';
import { freePort, useSshEnv } from '../helpers/sshd.ts';

const ssh = useSshEnv();
const SERVER = join(ROOT, 'test/fixtures/http-server.mjs');

const serve = (port: number, host = '127.0.0.1') => `exec '${process.execPath}' '${SERVER}' ${port} ${host}`;

async function get(url: string): Promise<string> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return r.text();
}

test('ports: a local session listening on IPv4 and IPv6 shows its port, pid and command', async () => {
  const t = ssh.env.env;
  const path = makeRepo(t.dir, 'local-repo');
  const [p4, p6] = [await freePort(), await freePort()];
  const s = await t.engine.spawn({
    repo: path,
    branch: 'dev',
    newBranch: true,
    command: `${serve(p4)} & ${serve(p6, '::1')}`,
  });
  const ports = await waitFor(
    async () => {
      const l = await t.engine.ports(s.id);
      return l.length === 2 ? l : undefined;
    },
    5000,
    'two listening ports',
  );
  expect(ports.map((p) => [p.port, p.address, p.command])).toEqual(
    [
      [p4, '127.0.0.1', 'http-server'],
      [p6, '::1', 'http-server'],
    ].sort((a, b) => Number(a[0]) - Number(b[0])),
  );
  for (const p of ports) expect(p.pid).toBeGreaterThan(1);
  // A local session needs no forward: its own URL.
  const f = await t.engine.forwarder.start(s.id, p4);
  expect(f).toMatchObject({ direct: true, localPort: p4, url: `http://127.0.0.1:${p4}/` });
  expect(await get(f.url)).toBe(`hello from ${p4}`);
  await t.engine.kill(s.id);
});

test('forward: an SSH session port on local loopback; 20 at once; sshd restart; ends with the session', async () => {
  const t = ssh.env.env;
  const path = makeRepo(t.dir, 'remote-repo');
  const port = await freePort();
  const s = await t.engine.spawn({
    repo: ssh.env.repoRef(path),
    branch: 'web',
    newBranch: true,
    command: serve(port),
  });
  const t0 = Date.now();
  const [hit] = await waitFor(
    async () => {
      const l = await t.engine.ports(s.id);
      return l.length ? l : undefined;
    },
    5000,
    'the remote port',
  );
  console.log(`[ports] remote port seen ${Date.now() - t0} ms after spawn returned`);
  expect(hit).toMatchObject({
    id: s.id,
    host: ssh.env.hostName,
    port,
    address: '127.0.0.1',
    command: 'http-server',
  });
  // Forwarding a port the session does not listen on is refused, and so is another session's.
  await expect(t.engine.forwarder.start(s.id, port === 65535 ? 65534 : port + 1)).rejects.toThrow(
    /does not listen on port/,
  );

  const f = await t.engine.forwarder.start(s.id, 0 + port);
  expect(f.direct).toBe(false);
  expect(f.url).toBe(`http://127.0.0.1:${f.localPort}/`);
  expect(await get(f.url)).toBe(`hello from ${port}`);
  const many = await Promise.all(Array.from({ length: 20 }, () => get(f.url)));
  expect(many).toEqual(Array(20).fill(`hello from ${port}`));
  expect(t.engine.forwarder.list()).toHaveLength(1);

  // sshd goes away and comes back: the listener stays, new connections work again.
  await ssh.sshd.stop();
  await expect(get(f.url)).rejects.toThrow();
  await ssh.sshd.start();
  const back = Date.now();
  await waitFor(
    async () => (await get(f.url)) === `hello from ${port}`,
    10_000,
    'the forward after sshd restart',
  );
  console.log(`[ports] forward answered again ${Date.now() - back} ms after sshd restarted`);

  // The session ends: the listener closes.
  await t.engine.kill(s.id);
  await waitFor(() => t.engine.forwarder.list().length === 0, 10_000, 'the forward to stop');
  await expect(get(f.url)).rejects.toThrow();
});

test('CLI: ports --json, forward until stopped by forward stop, forward ls', async () => {
  const t = ssh.env.env;
  const path = makeRepo(t.dir, 'cli-repo');
  const port = await freePort();
  const s = await t.engine.spawn({
    repo: ssh.env.repoRef(path),
    branch: 'cli',
    newBranch: true,
    command: serve(port),
  });
  await waitFor(async () => (await t.engine.ports(s.id)).length > 0, 5000, 'the port');
  const ls = await runCli(['ports', '--json'], t.env);
  expect(ls.code).toBe(0);
  expect(JSON.parse(ls.stdout)).toContainEqual(expect.objectContaining({ id: s.id, port }));
  const bad = await runCli(['forward', s.id, 'http'], t.env);
  expect(bad.code).toBe(2);

  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/orchard.js'), 'forward', s.id, String(port), '--json'],
    { env: t.env },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const info = await waitFor(
    () => {
      try {
        return JSON.parse(out) as { url: string; localPort: number };
      } catch {
        return undefined;
      }
    },
    20_000,
    'forward to print its JSON',
  );
  expect(await get(info.url)).toBe(`hello from ${port}`);
  const listed = await runCli(['forward', 'ls', '--json'], t.env);
  expect(JSON.parse(listed.stdout)).toContainEqual(
    expect.objectContaining({ localPort: info.localPort, owner: 'cli' }),
  );
  const exited = new Promise<number | null>((r) => child.on('close', r));
  const stop = await runCli(['forward', 'stop', String(info.localPort)], t.env);
  expect(stop.code).toBe(0);
  expect(await exited).toBe(0);
  await expect(get(info.url)).rejects.toThrow();
  expect(JSON.parse((await runCli(['forward', 'ls', '--json'], t.env)).stdout)).toEqual([]);
  await t.engine.kill(s.id);
});
