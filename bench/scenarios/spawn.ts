// Scenario 6: branch → agent prompt visible. Orchard's spawn (worktree + tmux session + agent with
// hooks) against the raw tools doing the same by hand (`git worktree add` + `tmux new-session`).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { benchEnv, FAKE_AGENT, makeRepo, median, now, poll, type Row } from '../lib.ts';

const run = promisify(execFile);
const RUNS = 8;

export async function spawnScenario(): Promise<Row[]> {
  const b = await benchEnv();
  try {
    const branches = Array.from({ length: RUNS }, (_, i) => [`orchard-${i}`, `raw-${i}`]).flat();
    const repo = makeRepo(b.dir, 'repo', branches);
    const tmux = (...args: string[]) => run('tmux', ['-L', b.socket, '-f', '/dev/null', ...args]);
    const promptVisible = async (target: string) =>
      (await tmux('capture-pane', '-p', '-t', target)).stdout.includes('\n>');
    // Registered, as repos are in the app (the sidebar lists registered repos).
    await b.engine.addRepo(repo);
    const settings = join(b.home, 'hooks', 'claude-settings.json');
    const ours: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t0 = now();
      const s = await b.engine.spawn({ repo: 'repo', branch: `orchard-${i}` });
      await poll(() => promptVisible(s.paneId));
      ours.push(now() - t0);

      t0 = now();
      const wt = join(b.dir, 'raw', `raw-${i}`);
      await run('git', ['-C', repo, 'worktree', 'add', '--', wt, `raw-${i}`]);
      await tmux(
        'new-session',
        '-d',
        '-s',
        `raw-${i}`,
        '-c',
        wt,
        '--',
        process.execPath,
        FAKE_AGENT,
        '--session-id',
        randomUUID(),
        // The same agent start-up on both sides (its hooks file too): the figure is Orchard's own cost.
        '--settings',
        settings,
      );
      await poll(() => promptVisible(`=raw-${i}:`));
      raw.push(now() - t0);
    }
    const o = median(ours);
    const r = median(raw);
    return [
      {
        scenario: '6 spawn',
        metric: 'branch → prompt visible (median of 8)',
        orchard: o,
        baseline: r,
        unit: 'ms',
        target: '<= 1.2x',
        ok: o <= 1.2 * r,
        note: 'baseline: git worktree add + tmux new-session, same agent argv',
      },
    ];
  } finally {
    b.dispose();
  }
}
