import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeEnv, makeRepo, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
});
afterAll(() => t.cleanup());

test('fake agent runs hooks that set the pane state', async () => {
  const repo = makeRepo(t.dir, 'repo', ['feat']);
  const s = await t.engine.spawn({ repo, branch: 'feat' });
  await waitFor(
    async () => (await t.engine.capture(s.id)).includes('Welcome to Fake Claude'),
    10_000,
    'banner',
  );
  await waitFor(async () => (await t.engine.find(s.id)).state === 'idle', 5000, 'idle');
  await t.engine.send(s.id, 'edit notes.txt');
  await waitFor(
    async () => {
      const x = await t.engine.find(s.id);
      return x.state === 'waiting' && x.reason === 'permission';
    },
    5000,
    'waiting',
  );
  await t.engine.send(s.id, '1');
  await waitFor(async () => (await t.engine.find(s.id)).state === 'idle', 5000, 'idle again');
  await t.engine.send(s.id, '/exit 3');
  const done = await waitFor(
    async () => {
      const x = await t.engine.find(s.id);
      return x.state === 'exited' && x.exitCode === 3 ? x : undefined;
    },
    5000,
    'exited',
  );
  expect(done.exitCode).toBe(3);
});
