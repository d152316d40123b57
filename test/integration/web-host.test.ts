// `orchard web --host 127.1`: loopback in another spelling: no "reachable from other machines"
// warning, and the Host header check (DNS rebinding) is on.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, makeEnv, ROOT, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
});
afterAll(() => t.cleanup());

function status(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`http://127.0.0.1:${port}${path}`, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('--host 127.1 is loopback: no warning, and a foreign Host header is refused', async () => {
  const child = spawn(process.execPath, [CLI, 'web', '--host', '127.1', '--port', '0'], {
    env: t.env,
    cwd: ROOT,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = new URL(await waitFor(() => /^(http:\/\/\S+)\n/m.exec(out)?.[1], 15_000, 'url'));
    const port = Number(url.port);
    const token = url.searchParams.get('token')!;
    expect(err).not.toMatch(/WARNING|other machines/);
    expect([200, 503]).toContain(await status(port, `/?token=${token}`, url.host));
    expect([200, 503]).toContain(await status(port, `/?token=${token}`, `localhost:${port}`));
    expect(await status(port, `/?token=${token}`, `evil.example:${port}`)).toBe(403);
    expect(await status(port, `/?token=${token}`, `10.1.2.3:${port}`)).toBe(403);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
