// Scenarios 1 and 4, locally. 1: keystroke echo through Orchard's terminal path (engine pty stream →
// router → WebSocket → client, acks as xterm sends them) against `tmux attach` in node-pty directly.
// 4: 50 MB of output in one session, time to its last byte, and echo latency in a second session
// over the same WebSocket while the flood runs.
import { createRequire } from 'node:module';
import type { IPty } from '@lydell/node-pty';
import { benchEnv, makeRepo, now, type Row } from '../lib.ts';
import { echoLatencies, p50p99, type TermPath } from '../terminal.ts';
import { RpcClient, startWeb } from '../wsclient.ts';

const pty = createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');
const KEYS = 200;
const FLOOD_SCRIPT =
  'while read x; do head -c 37748736 /dev/urandom | base64 -w 120; echo "FLOOD-END-$x"; done';

function rawPath(argv: string[]): TermPath & { pty: IPty } {
  const p = pty.spawn(argv[0]!, argv.slice(1), {
    cols: 120,
    rows: 40,
    env: process.env as Record<string, string>,
  });
  return { pty: p, write: (d) => p.write(d), onData: (l) => void p.onData(l) };
}

async function orchardPath(client: RpcClient, term: string, session: string): Promise<TermPath> {
  const listeners: Array<(d: string) => void> = [];
  client.onData.set(term, (d) => listeners.forEach((l) => l(d)));
  await client.request('attach', { term, session, cols: 120, rows: 40 });
  return {
    write: (data) => client.send('terminalInput', { term, data }),
    onData: (l) => void listeners.push(l),
  };
}

/** Trigger one flood and time it until its end marker arrives on `path`. */
async function flood(path: TermPath, tag: string): Promise<number> {
  let tail = '';
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  path.onData((d) => {
    tail = (tail + d).slice(-200);
    if (tail.includes(`FLOOD-END-${tag}`)) done();
  });
  const t0 = now();
  path.write(`${tag}\r`);
  await finished;
  return now() - t0;
}

export async function echoLocalScenario(): Promise<Row[]> {
  const b = await benchEnv();
  const web = await startWeb(b.env);
  const client = await RpcClient.connect(web.url);
  const raws: IPty[] = [];
  try {
    const repo = makeRepo(b.dir, 'repo', ['echo', 'flood', 'side']);
    const echo = await b.engine.spawn({ repo, branch: 'echo', command: 'exec cat >/dev/null' });
    const attachArgv = async (id: string) => (await b.engine.attachArgv(id)).argv;

    const raw = rawPath(await attachArgv(echo.id));
    raws.push(raw.pty);
    const ours = await orchardPath(client, 'echo', echo.id);
    await new Promise((r) => setTimeout(r, 300));
    const rawLat: number[] = [];
    const ourLat: number[] = [];
    for (let block = 0; block < 4; block++) {
      rawLat.push(...(await echoLatencies(raw, KEYS / 4)));
      ourLat.push(...(await echoLatencies(ours, KEYS / 4)));
    }
    const r = p50p99(rawLat);
    const o = p50p99(ourLat);

    // Flood: one session pours 50 MB; a second session is typed into meanwhile, on the same socket.
    const fl = await b.engine.spawn({ repo, branch: 'flood', command: FLOOD_SCRIPT });
    const side = await b.engine.spawn({ repo, branch: 'side', command: 'exec cat >/dev/null' });
    const rawFlood = rawPath(await attachArgv(fl.id));
    raws.push(rawFlood.pty);
    await new Promise((r2) => setTimeout(r2, 300));
    const rawMs = await flood(rawFlood, 'raw');
    rawFlood.pty.kill();
    const ourFloodPath = await orchardPath(client, 'flood', fl.id);
    const sidePath = await orchardPath(client, 'side', side.id);
    await new Promise((r2) => setTimeout(r2, 300));
    const ourMs = await flood(ourFloodPath, 'orchard');
    // A second flood, with keys typed into the other session over the same socket meanwhile.
    const floodDone = flood(ourFloodPath, 'typed');
    const during: number[] = [];
    let finished = false;
    void floodDone.then(() => (finished = true));
    while (!finished && during.length < 400) during.push(...(await echoLatencies(sidePath, 10)));
    await floodDone;
    const d = p50p99(during);

    return [
      {
        scenario: '1 echo local',
        metric: 'keystroke echo p50',
        orchard: o.p50,
        baseline: r.p50,
        unit: 'ms',
        target: 'overhead < 1 ms',
        ok: o.p50 - r.p50 < 1,
        note: 'baseline: tmux attach in node-pty',
      },
      {
        scenario: '1 echo local',
        metric: 'keystroke echo p99',
        orchard: o.p99,
        baseline: r.p99,
        unit: 'ms',
        target: '',
        ok: null,
      },
      {
        scenario: '4 flood',
        metric: '50 MB output: time to last byte',
        orchard: ourMs,
        baseline: rawMs,
        unit: 'ms',
        target: '<= 1.2x',
        ok: ourMs <= 1.2 * rawMs,
        note: 'baseline: tmux attach in node-pty',
      },
      {
        scenario: '4 flood',
        metric: `echo in a 2nd session during the flood p99 (${during.length} keys)`,
        orchard: d.p99,
        baseline: null,
        unit: 'ms',
        target: 'p99 < 50 ms',
        ok: d.p99 < 50,
        note: `p50 ${d.p50.toFixed(1)} ms`,
      },
    ];
  } finally {
    for (const p of raws) p.kill();
    client.close();
    await web.close();
    b.dispose();
  }
}
