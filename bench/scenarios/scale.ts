// Scenario 5: 100 sessions on one host. `orchard ls --json` (a fresh CLI process), one in-process
// status tick (engine.list: one list-panes + one git call per repo) and how many processes it
// forks (constant in N), and the engine's idle CPU while polling once a second like the app does.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PANE_FORMAT } from '../../src/core/tmux/format.ts';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { benchEnv, CLI, makeRepo, median, now, type Row } from '../lib.ts';
import { RpcClient, startWeb } from '../wsclient.ts';

const run = promisify(execFile);
const N = 100;

async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await fn();
    t.push(now() - t0);
  }
  return median(t);
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function scaleScenario(): Promise<Row[]> {
  const b = await benchEnv();
  try {
    const repo = makeRepo(
      b.dir,
      'repo',
      Array.from({ length: N }, (_, i) => `s${i}`),
    );
    const forksAt = async () => {
      const before = b.local.execs.count;
      await b.engine.list();
      return b.local.execs.count - before;
    };
    for (let i = 0; i < 10; i++) await b.engine.spawn({ repo, branch: `s${i}` });
    const forks10 = await forksAt();
    for (let i = 10; i < N; i++) await b.engine.spawn({ repo, branch: `s${i}` });
    const forks100 = await forksAt();
    if ((await b.engine.list()).length !== N) throw new Error('expected 100 sessions');

    const rawList = () => run('tmux', ['-L', b.socket, 'list-panes', '-a', '-F', PANE_FORMAT]);
    const cliLs = () => run(process.execPath, [CLI, 'ls', '--json'], { env: b.env, maxBuffer: 1 << 24 });
    const nodeStart = () => run(process.execPath, ['-e', '0']);
    const rawMs = await timeIt(rawList, 10);
    const lsMs = await timeIt(cliLs, 5);
    const nodeMs = await timeIt(nodeStart, 5);
    const tickMs = await timeIt(() => b.engine.list(), 10);

    // Idle: poll like the router does (once a second) for 10 s, measure this process's CPU.
    const cpu0 = process.cpuUsage();
    const t0 = now();
    while (now() - t0 < 10_000) {
      await b.engine.list();
      await new Promise((r) => setTimeout(r, 1000));
    }
    const used = process.cpuUsage(cpu0);
    const idlePct = ((used.user + used.system) / 1000 / (now() - t0)) * 100;

    // Memory: the browser-mode server (the engine process) with 100 sessions and a subscribed client
    // polling sessions and stats for 10 s, against an idle bare Node process.
    const web = await startWeb(b.env);
    const client = await RpcClient.connect(web.url);
    client.send('subscribe', { event: 'sessionsChanged' });
    client.send('subscribe', { event: 'stats' });
    await new Promise((r) => setTimeout(r, 10_000));
    const engineRss = rssOf(web.child.pid!);
    client.close();
    await web.close();
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await new Promise((r) => setTimeout(r, 1000));
    const bareRss = rssOf(bare.pid!);
    bare.kill();

    return [
      {
        scenario: '7 memory',
        metric: 'engine RSS (orchard web), 100 sessions, client subscribed 10 s',
        orchard: engineRss,
        baseline: bareRss,
        unit: 'MB',
        target: '',
        ok: null,
        note: 'baseline: an idle bare Node process',
      },
      {
        scenario: '5 scale',
        metric: '`orchard ls --json`, 100 sessions (CLI process)',
        orchard: lsMs,
        baseline: rawMs,
        unit: 'ms',
        target: '',
        ok: null,
        note: `node -e 0 alone: ${nodeMs.toFixed(0)} ms; baseline: raw tmux list-panes -a`,
      },
      {
        scenario: '5 scale',
        metric: 'status tick in-process (list-panes + git), 100 sessions',
        orchard: tickMs,
        baseline: rawMs,
        unit: 'ms',
        target: '< 100 ms',
        ok: tickMs < 100,
      },
      {
        scenario: '5 scale',
        metric: 'processes forked per tick at 10 → 100 sessions',
        orchard: forks100,
        baseline: forks10,
        unit: 'forks',
        target: 'constant in N',
        ok: forks100 === forks10,
      },
      {
        scenario: '5 scale',
        metric: 'engine CPU while polling 1/s, 100 sessions',
        orchard: idlePct,
        baseline: null,
        unit: '% of a core',
        target: '',
        ok: null,
      },
    ];
  } finally {
    b.dispose();
  }
}
