// `orchard gc` joins the features around a finished session: the repo's teardown runs before the
// worktree goes (a failing one keeps it), the session's durable record goes with the worktree, and
// transcripts of sessions that no longer exist are removed; `--dry-run` changes nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
});
afterAll(() => t.cleanup());

async function finished(repo: string, branch: string) {
  const s = await t.engine.spawn({ repo, branch, newBranch: true });
  await waitFor(async () => (await t.engine.find(s.id)).state === 'idle', 15_000, 'agent ready');
  await t.engine.send(s.id, 'hello');
  await t.engine.send(s.id, '/exit');
  await waitFor(async () => (await t.engine.find(s.id)).state === 'exited', 10_000, 'agent exited');
  return s;
}

test('gc: teardown first, then the worktree, its record and (next) its transcript; a failing teardown keeps it', async () => {
  const repo = makeRepo(t.dir, 'gcrepo');
  const marker = join(t.dir, 'torn');
  const set = await runCli(['repo', 'add', repo], t.env);
  expect(set.code).toBe(0);
  const td = await runCli(
    ['repo', 'set', repo, '--teardown', `echo "$ORCHARD_BRANCH" >> '${marker}'`],
    t.env,
  );
  expect(td.code).toBe(0);
  const s = await finished(repo, 'done-work');
  const record = join(t.home, 'sessions', `${s.id}.json`);
  const log = join(t.home, 'logs', `${s.id}.log`);
  expect(existsSync(record)).toBe(true);
  expect(existsSync(log)).toBe(true);

  const dry = await runCli(['gc', '--dry-run', '--json'], t.env);
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.stdout).items).toContainEqual(
    expect.objectContaining({ action: 'remove-worktree', worktree: s.worktree, done: false }),
  );
  expect(existsSync(s.worktree)).toBe(true);
  expect(existsSync(marker)).toBe(false);

  const run = await runCli(['gc', '--json'], t.env);
  expect(run.code).toBe(0);
  const items = JSON.parse(run.stdout).items as Array<{ action: string; done: boolean; worktree: string }>;
  expect(items).toContainEqual(
    expect.objectContaining({ action: 'remove-worktree', worktree: s.worktree, done: true }),
  );
  expect(items).toContainEqual(expect.objectContaining({ action: 'remove-transcripts', done: true }));
  expect(existsSync(s.worktree)).toBe(false);
  expect(readFileSync(marker, 'utf8')).toBe('done-work\n');
  expect(existsSync(record)).toBe(false);
  expect(existsSync(log)).toBe(false);

  // A teardown that fails keeps the worktree, and says why.
  await runCli(['repo', 'set', repo, '--teardown', 'echo cannot stop the database >&2; exit 4'], t.env);
  const k = await finished(repo, 'keep-me');
  const kept = await runCli(['gc', '--json'], t.env);
  const item = (
    JSON.parse(kept.stdout).items as Array<{ worktree: string; done: boolean; error?: string }>
  ).find((i) => i.worktree === k.worktree);
  expect(item?.done).toBe(false);
  expect(item?.error).toMatch(/teardown failed \(exit 4\).*cannot stop the database/);
  expect(existsSync(k.worktree)).toBe(true);
});
