// Batch approve (5 waiting out of 8: exactly those 5 answered) and broadcast (a repo's 4 sessions,
// one dead: 3 delivered, 1 reported), with the real fake agent in real tmux, through the CLI.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { askToEdit, stateOf, useThreeOptionDialog, written } from './approve-helpers.ts';
import type { ApproveAllResult, BroadcastResult } from '../../src/shared/approve.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
  await useThreeOptionDialog(t.engine);
});
afterAll(() => t.cleanup());

/** One after the other: concurrent `git worktree add` in one repo can trip over each other's files. */
async function spawnSome(repo: string, prefix: string, n: number): Promise<SessionInfo[]> {
  const out: SessionInfo[] = [];
  for (let i = 0; i < n; i++)
    out.push(await t.engine.spawn({ repo, branch: `${prefix}${i}`, newBranch: true }));
  return out;
}

test('approve --all-waiting answers exactly the 5 waiting sessions of 8; --dry-run answers none', async () => {
  const repo = makeRepo(t.dir, 'batch');
  const all = await spawnSome(repo, 'b', 8);
  const waiting = all.slice(0, 5);
  const others = all.slice(5);
  await Promise.all(waiting.map((s, i) => askToEdit(t.engine, s, `f${i}.txt`)));
  await Promise.all(others.map((s) => stateOf(t.engine, s.id, (x) => x.state === 'idle', 'idle')));
  const screens = await Promise.all(others.map((s) => t.engine.capture(s.id)));

  const dry = await runCli(['approve', '--all-waiting', '--repo', 'batch', '--dry-run', '--json'], t.env);
  expect(dry.code).toBe(0);
  const plan = JSON.parse(dry.stdout) as ApproveAllResult;
  expect(plan.items.map((i) => i.id).sort()).toEqual(waiting.map((s) => s.id).sort());
  expect(waiting.some((s, i) => written(s, `f${i}.txt`))).toBe(false);

  const r = await runCli(['approve', '--all-waiting', '--repo', 'batch', '--tool', 'Edit'], t.env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/answered 5 of 5 \(yes\)/);
  await Promise.all(
    waiting.map((s) => stateOf(t.engine, s.id, (x) => x.state === 'idle', `${s.branch} answered`)),
  );
  waiting.forEach((s, i) => expect(written(s, `f${i}.txt`)).toBe(true));
  // The other three got nothing.
  expect(await Promise.all(others.map((s) => t.engine.capture(s.id)))).toEqual(screens);
  await Promise.all(all.map((s) => t.engine.kill(s.id)));
}, 120_000);

test('send --to repo:R: 3 delivered, the dead one reported', async () => {
  const repo = makeRepo(t.dir, 'bcast');
  const four = await spawnSome(repo, 's', 4);
  await Promise.all(four.map((s) => stateOf(t.engine, s.id, (x) => x.state === 'idle', 'idle')));
  const dead = four[3]!;
  await t.engine.send(dead.id, '/exit 3');
  await stateOf(t.engine, dead.id, (x) => x.state === 'exited', 'dead');

  const r = await runCli(['send', '--to', 'repo:bcast', 'hello fleet', '--json'], t.env);
  expect(r.code).toBe(1);
  const res = JSON.parse(r.stdout) as BroadcastResult;
  expect(res.delivered).toBe(3);
  expect(res.failed).toBe(1);
  expect(res.items.find((i) => !i.delivered)).toMatchObject({ id: dead.id, error: 'exited (code 3)' });
  for (const s of four.slice(0, 3))
    await waitFor(
      async () => /You said: hello fleet/.test(await t.engine.capture(s.id)),
      10_000,
      'delivered',
    );
  const human = await runCli(['send', '--to', 'repo:bcast', 'again'], t.env);
  expect(human.stdout).toMatch(/delivered to 3, not delivered to 1/);
  expect(human.stdout).toMatch(/NOT delivered: exited/);
}, 120_000);
