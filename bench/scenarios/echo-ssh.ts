// Scenario 2: keystroke echo over SSH. Orchard (orchard web → ssh2 pty channel → remote tmux
// attach) against OpenSSH's own client in node-pty (`ssh -tt host tmux attach`), both to the same
// loopback sshd and the same remote session.
import { createRequire } from 'node:module';
import { makeSshd, makeSshEnv } from '../../test/helpers/sshd.ts';
import { makeRepo, type Row } from '../lib.ts';
import { echoLatencies, p50p99, type TermPath } from '../terminal.ts';
import { RpcClient, startWeb } from '../wsclient.ts';

const pty = createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');
const KEYS = 200;

export async function echoSshScenario(): Promise<Row[]> {
  const sshd = await makeSshd();
  const s = await makeSshEnv(sshd);
  const web = await startWeb(s.env.env);
  const client = await RpcClient.connect(web.url);
  let raw: import('@lydell/node-pty').IPty | undefined;
  try {
    const repo = makeRepo(s.env.dir, 'repo', ['echo']);
    const session = await s.env.engine.spawn({
      repo: s.repoRef(repo),
      branch: 'echo',
      command: 'exec cat >/dev/null',
    });
    const { argv } = await s.env.engine.attachArgv(session.id);
    const ssh = [
      '-tt',
      '-F',
      s.configFile,
      '-o',
      `UserKnownHostsFile=${s.knownHostsFile}`,
      s.hostName,
      ...argv,
    ];
    const p = pty.spawn('ssh', ssh, { cols: 120, rows: 40, env: process.env as Record<string, string> });
    raw = p;
    const rawPath: TermPath = { write: (d) => p.write(d), onData: (l) => void p.onData(l) };
    const listeners: Array<(d: string) => void> = [];
    client.onData.set('ssh', (d) => listeners.forEach((l) => l(d)));
    await client.request('attach', { term: 'ssh', session: session.id, cols: 120, rows: 40 });
    const ours: TermPath = {
      write: (data) => client.send('terminalInput', { term: 'ssh', data }),
      onData: (l) => void listeners.push(l),
    };
    // The engine's own pty stream over ssh2 (what the router reads from), without the WebSocket hop.
    const host = (await s.env.engine.hosts.get(s.hostName)).host;
    const stream = await host.openPty(['tmux', '-u', ...argv.slice(1)], { cols: 120, rows: 40 });
    const streamPath: TermPath = { write: (d) => stream.write(d), onData: (l) => void stream.onData(l) };
    await new Promise((r) => setTimeout(r, 1000));
    const rawLat: number[] = [];
    const ourLat: number[] = [];
    const streamLat: number[] = [];
    for (let block = 0; block < 4; block++) {
      rawLat.push(...(await echoLatencies(rawPath, KEYS / 4)));
      ourLat.push(...(await echoLatencies(ours, KEYS / 4)));
      streamLat.push(...(await echoLatencies(streamPath, KEYS / 4)));
    }
    stream.dispose();
    const r = p50p99(rawLat);
    const o = p50p99(ourLat);
    const e = p50p99(streamLat);
    const sshNote = 'baseline: ssh -tt host tmux attach (OpenSSH) in node-pty';
    return [
      {
        scenario: '2 echo ssh',
        metric: 'engine pty stream (ssh2 channel) p50',
        orchard: e.p50,
        baseline: r.p50,
        unit: 'ms',
        target: '<= 1.1x',
        ok: e.p50 <= 1.1 * r.p50,
        note: `${sshNote}; no WebSocket hop`,
      },
      {
        scenario: '2 echo ssh',
        metric: 'engine pty stream (ssh2 channel) p99',
        orchard: e.p99,
        baseline: r.p99,
        unit: 'ms',
        target: '',
        ok: null,
      },
      {
        scenario: '2 echo ssh',
        metric: 'full path p50 (client → orchard web → ssh2)',
        orchard: o.p50,
        baseline: r.p50,
        unit: 'ms',
        target: '',
        ok: null,
        note: 'adds the WebSocket hop, as scenario 1',
      },
      {
        scenario: '2 echo ssh',
        metric: 'full path p99',
        orchard: o.p99,
        baseline: r.p99,
        unit: 'ms',
        target: '',
        ok: null,
      },
    ];
  } finally {
    raw?.kill();
    client.close();
    await web.close();
    await s.teardown();
    await sshd.cleanup();
  }
}
