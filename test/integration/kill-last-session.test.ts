// `orchard kill` of the last session while the app or `orchard web` watches the host: the tmux
// server ends with its last session, under the monitor's control client. The kill says it killed,
// exits 0, and the session is gone from the monitor's list and from `ls`. (The server can exit
// before it answers the kill, "server exited unexpectedly": seen with the real Codex and Gemini CLI
// in the agents tier, not reliably here; test/unit/tmux-kill.test.ts holds that case.)
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FleetMonitor } from '../../src/core/status/fleet-monitor.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let repo: string;
let monitor: FleetMonitor;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
  monitor = new FleetMonitor(t.engine).start();
});
afterAll(() => {
  monitor?.dispose();
  t?.cleanup();
});

test('the last session killed under a watching monitor: exit 0, the session gone, the server ended', async () => {
  for (let i = 0; i < 3; i++) {
    const s = await t.engine.spawn({ repo, branch: `last${i}`, newBranch: true });
    await waitFor(() => monitor.host('local')?.mode === 'control', 10_000, 'the control client attached');
    await waitFor(() => monitor.current?.some((x) => x.id === s.id), 10_000, 'the session listed');
    const r = await runCli(['kill', s.id], t.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/killed/);
    await waitFor(
      () => !monitor.current?.some((x) => x.id === s.id),
      10_000,
      'the session gone from the list',
    );
    const ls = await runCli(['ls', '--json'], t.env);
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual([]);
  }
});
