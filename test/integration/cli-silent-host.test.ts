// A host that accepts TCP and never says a word: `orchard stats` and `orchard ls` report it as
// unreachable within their bound (~10 s), and the local figures still come.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ResourceStats } from '../../src/shared/model.ts';
import { makeEnv, runCli, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let silent: Server;
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await makeEnv();
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as { port: number }).port;
  await t.engine.store.update((c) => void c.hosts.push({ name: 'silent', ssh: `nobody@127.0.0.1:${port}` }));
});
afterAll(() => {
  for (const s of sockets) s.destroy();
  silent.close();
  t.cleanup();
});

test('stats --json with a silent host ends within ~10 s, the host reported unreachable', async () => {
  // The watchdog is the check: before, two samples waited on the host twice (21 s).
  const r = await runCli(['stats', '--json'], t.env, undefined, 16_000);
  expect(r.code, r.stderr).toBe(0);
  const s = JSON.parse(r.stdout) as ResourceStats;
  const host = s.hosts.find((h) => h.name === 'silent');
  expect(host?.error).toMatch(/unreachable|did not answer|timed out/);
  expect(s.hosts.find((h) => h.name === 'local')?.error).toBeUndefined();
  const human = await runCli(['stats'], t.env, undefined, 16_000);
  expect(human.code, human.stderr).toBe(0);
  expect(human.stdout).toMatch(/silent\s+-.*unavailable: /);
});

test('ls --json with a silent host ends within its bound too', async () => {
  const r = await runCli(['ls', '--json'], t.env, undefined, 16_000);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual([]);
  expect(r.stderr).toMatch(/host silent is unreachable/);
});
