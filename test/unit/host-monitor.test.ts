// The host monitor's behaviour around hosts that cannot be reached, with a fake host context:
// last-seen sessions shown as unreachable, and a changing retry countdown is not a new list.
import { expect, test } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { HostMonitor } from '../../src/core/status/host-monitor.ts';
import type { LastSeenSessions } from '../../src/core/ssh/last-seen.ts';
import type { OrchardConfig } from '../../src/core/store/store.ts';

const config = { version: 1, repos: [], hosts: [], profiles: [], preferences: { defaultAgent: 'claude' } };

const seen: SessionInfo = {
  id: 'abc123',
  repo: 'shop',
  repoPath: '/r',
  branch: 'feature/login',
  worktree: '/w',
  host: 'devbox',
  agent: 'claude',
  state: 'unreachable',
  pid: null,
  createdAt: '2026-01-01T00:00:00Z',
  tmuxSession: 'o-x',
  paneId: '%3',
};

test('an unreachable host: last-seen sessions shown unreachable once, not again for each countdown', async () => {
  let attempts = 0;
  const monitor = new HostMonitor(
    {
      name: 'devbox',
      context: async () => {
        attempts++;
        throw new OrchardError(
          'host-unreachable',
          `devbox: connect ECONNREFUSED (next retry in ${9 - attempts}s)`,
        );
      },
      config: async () => config as unknown as OrchardConfig,
      lastSeen: { get: async () => [seen], set: async () => undefined } as unknown as LastSeenSessions,
    },
    { retryMs: 10, slowMs: 60_000 },
  );
  const lists: SessionInfo[][] = [];
  monitor.onDidChangeSessions((l) => lists.push(l));
  monitor.start();
  try {
    await new Promise((r) => setTimeout(r, 200));
    expect(attempts).toBeGreaterThanOrEqual(3); // it kept retrying
    expect(monitor.mode).toBe('unreachable');
    expect(lists).toHaveLength(1); // …and said so once
    expect(lists[0]).toEqual([
      { ...seen, state: 'unreachable', reason: 'host unreachable', detail: 'devbox: connect ECONNREFUSED' },
    ]);
    const sample = await monitor.sample();
    expect(sample.host.error).toBe('devbox: connect ECONNREFUSED'); // at once, no 10 s wait
  } finally {
    monitor.dispose();
  }
});
