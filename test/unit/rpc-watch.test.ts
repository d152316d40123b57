import { expect, test } from 'vitest';
import { SessionWatcher } from '../../src/core/rpc/watch.ts';
import type { SessionInfo } from '../../src/shared/model.ts';

test('a refresh asked for during a poll polls again right after it (not an interval later)', async () => {
  const releases: Array<(l: SessionInfo[]) => void> = [];
  const w = new SessionWatcher(() => new Promise((r) => releases.push(r)), 60_000);
  const hold = w.retain();
  expect(releases).toHaveLength(1); // the first poll runs
  w.refresh(); // e.g. right after a spawn, while that poll is still out
  releases[0]!([]);
  await new Promise((r) => setTimeout(r, 10));
  expect(releases).toHaveLength(2);
  releases[1]!([]);
  hold.dispose();
  w.dispose();
});
