// Coalesced listing (util/rerun.ts, the host monitor's list-panes): a refresh asked for while a
// list runs lists again right after it, once, however many refreshes came meanwhile.
import { expect, test } from 'vitest';
import { Rerun } from '../../src/core/util/rerun.ts';

test('a refresh asked for during a list lists again right after it (not an interval later)', async () => {
  const releases: Array<() => void> = [];
  const r = new Rerun(() => new Promise<void>((res) => releases.push(res)));
  const first = r.run();
  expect(releases).toHaveLength(1); // the first list runs
  void r.run(); // e.g. right after a spawn, while that list is still out
  void r.run();
  void r.run();
  releases[0]!();
  await new Promise((res) => setTimeout(res, 10));
  expect(releases).toHaveLength(2); // once more, not three times
  expect(r.busy).toBe(true);
  releases[1]!();
  await first;
  expect(r.busy).toBe(false);
  expect(releases).toHaveLength(2);
});

test('a failing run rejects its callers and does not wedge the next one', async () => {
  let n = 0;
  const r = new Rerun(async () => {
    if (++n === 1) throw new Error('boom');
  });
  await expect(r.run()).rejects.toThrow('boom');
  await r.run();
  expect(n).toBe(2);
});
