// Port forwarding of an SSH session's dev server: a 50 MiB download through `orchard forward`'s
// listener (a direct-tcpip channel per socket on the pooled ssh2 connection) against OpenSSH's own
// `ssh -N -L` to the same port on the same loopback sshd, in the same run; and 20 requests at once.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, makeSshd, makeSshEnv } from '../../test/helpers/sshd.ts';
import { makeRepo, median, ROOT, type Row } from '../lib.ts';

const MB = 50;
const RUNS = 3;

/** MiB/s of one download of MB MiB from `base`. */
async function download(base: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(`${base}bytes?mb=${MB}`);
  let n = 0;
  const reader = r.body!.getReader();
  for (let c = await reader.read(); !c.done; c = await reader.read()) n += c.value.length;
  const s = (performance.now() - t0) / 1000;
  if (n !== MB * 1024 * 1024) throw new Error(`short download: ${n} bytes`);
  return MB / s;
}

async function until(fn: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function forwardScenario(): Promise<Row[]> {
  const sshd = await makeSshd();
  const s = await makeSshEnv(sshd);
  const e = s.env.engine;
  const cmd = `exec '${process.execPath}' '${join(ROOT, 'test/fixtures/http-server.mjs')}'`;
  let ssh: ReturnType<typeof spawn> | undefined;
  try {
    const port = await freePort();
    const repo = makeRepo(s.env.dir, 'repo');
    const session = await e.spawn({
      repo: s.repoRef(repo),
      branch: 'dev',
      newBranch: true,
      command: `${cmd} ${port}`,
    });
    await until(async () => (await e.ports(session.id)).length > 0, 10_000, 'the dev server');
    const f = await e.forwarder.start(session.id, port);
    const rawPort = await freePort();
    ssh = spawn(
      'ssh',
      [
        '-N',
        '-F',
        s.configFile,
        '-o',
        `UserKnownHostsFile=${s.knownHostsFile}`,
        '-L',
        `${rawPort}:127.0.0.1:${port}`,
        s.hostName,
      ],
      { stdio: 'ignore' },
    );
    const raw = `http://127.0.0.1:${rawPort}/`;
    await until(async () => (await fetch(raw)).ok, 10_000, 'ssh -L');
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await download(f.url));
      base.push(await download(raw));
    }
    const t0 = performance.now();
    const many = await Promise.all(Array.from({ length: 20 }, () => fetch(f.url).then((r) => r.text())));
    const manyMs = performance.now() - t0;
    const okCount = many.filter((b) => b === `hello from ${port}`).length;
    const o = median(ours);
    const b = median(base);
    return [
      {
        scenario: '8 forward',
        metric: `${MB} MiB download through the forward (median of ${RUNS})`,
        orchard: Math.round(o),
        baseline: Math.round(b),
        unit: 'MiB/s',
        target: '>= 0.5x of ssh -L',
        ok: o >= 0.5 * b,
        note: 'baseline: OpenSSH ssh -N -L to the same port on the same sshd',
      },
      {
        scenario: '8 forward',
        metric: '20 concurrent requests: succeeded / wall time',
        orchard: Math.round(manyMs),
        baseline: null,
        unit: 'ms',
        target: '20/20 succeed',
        ok: okCount === 20,
        note: `${okCount}/20 succeeded`,
      },
    ];
  } finally {
    ssh?.kill();
    await s.teardown();
    await sshd.cleanup();
  }
}
