// `npm run bench -- fleet`: the host monitors at fleet size. 100 sessions on this host, then 5 SSH
// hosts × 20 sessions (five loopback sshds, each "remote" tmux on its own socket), a router client
// subscribed as the UI would be. Measured: the processes Orchard starts per second per host while
// nothing changes (ORCHARD_TRACE_EXEC lines, control clients included), and how long a hook's
// state change (`tmux set-option -p @orchard_state` from outside) takes to reach the client.
// Sessions are made with raw tmux (tags as a spawn writes them, agent state "idle" as its hooks
// would leave it): this measures the monitor, not spawn.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { ServerMessage } from '../../src/shared/api.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import type { Engine } from '../../src/core/engine.ts';
import { createRouter } from '../../src/core/rpc/index.ts';
import { makeSshd, makeSshEnv, type Sshd } from '../../test/helpers/sshd.ts';
import { benchEnv, makeRepo, now, percentile, type Row } from '../lib.ts';

const IDLE_MS = 10_000;
const CHANGES = 50;

function tmuxOn(socket: string, env: NodeJS.ProcessEnv) {
  return (...args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
}

/** `n` Orchard-tagged sessions, idle as a hooked agent leaves them, on one tmux server. */
async function makeSessions(tmux: ReturnType<typeof tmuxOn>, repo: string, prefix: string, n: number) {
  for (let i = 0; i < n; i++) {
    const name = `o-${prefix}-${i}`;
    const t = `=${name}:`;
    const tags: Record<string, string> = {
      '@orchard_id': randomBytes(6).toString('hex'),
      '@orchard_repo': 'repo',
      '@orchard_repo_path': repo,
      '@orchard_branch': 'main',
      '@orchard_worktree': repo,
      '@orchard_agent': 'fake',
      '@orchard_created': new Date().toISOString(),
    };
    const args = ['new-session', '-d', '-s', name, '-x', '80', '-y', '24', 'sleep 1000000'];
    for (const [k, v] of Object.entries(tags)) args.push(';', 'set-option', '-t', t, k, v);
    args.push(';', 'set-option', '-p', '-t', t, '@orchard_state', 'idle');
    await tmux(...args);
  }
}

/** Trace every process Orchard starts (hosts read the variable when they are made). */
function traceExecs(): { lines: Array<{ at: number; line: string }>; stop(): void } {
  const before = process.env.ORCHARD_TRACE_EXEC;
  process.env.ORCHARD_TRACE_EXEC = '1';
  const lines: Array<{ at: number; line: string }> = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (!text.startsWith('[orchard exec'))
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    for (const line of text.split('\n').filter(Boolean)) lines.push({ at: Date.now(), line });
    return true;
  }) as typeof process.stderr.write;
  return {
    lines,
    stop() {
      process.stderr.write = write;
      if (before === undefined) delete process.env.ORCHARD_TRACE_EXEC;
      else process.env.ORCHARD_TRACE_EXEC = before;
    },
  };
}

interface Measured {
  firstListMs: number;
  processes: number;
  perHost: Map<string, number>;
  cpuPct: number;
  lat: number[];
}

/** A UI client on `engine` until `expect` sessions are idle, then the idle window and the changes. */
async function measure(
  engine: Engine,
  expected: number,
  trace: ReturnType<typeof traceExecs>,
  setState: (s: SessionInfo, state: string) => Promise<void>,
): Promise<Measured> {
  const t0 = now();
  const router = createRouter(engine);
  const lists: Array<{ at: number; list: SessionInfo[] }> = [];
  const conn = router.connect({
    id: 'bench',
    send: (m) => {
      const msg = m as ServerMessage;
      if (msg.t === 'evt' && msg.ch === 'sessionsChanged')
        lists.push({ at: now(), list: msg.p as SessionInfo[] });
    },
  });
  try {
    await conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'sessionsChanged' } });
    const end = Date.now() + 60_000;
    while ((lists.at(-1)?.list.filter((s) => s.state === 'idle').length ?? 0) < expected) {
      if (Date.now() > end)
        throw new Error(`only ${lists.at(-1)?.list.length ?? 0} of ${expected} sessions listed`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const firstListMs = now() - t0;
    await new Promise((r) => setTimeout(r, 1500)); // git and the first screen pass settle
    const from = Date.now();
    const cpu0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const cpu = process.cpuUsage(cpu0);
    const during = trace.lines.filter((l) => l.at >= from);
    const perHost = new Map<string, number>();
    for (const l of during) {
      const host = /^\[orchard exec ([^\]]+)\]/.exec(l.line)?.[1] ?? 'local';
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
    }
    const sessions = lists.at(-1)!.list;
    const lat: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const s = sessions[(i * 7) % sessions.length]!;
      const cur = lists.at(-1)!.list.find((x) => x.id === s.id)?.state;
      const state = cur === 'working' ? 'idle' : 'working';
      const t1 = now();
      await setState(s, state);
      const stop = Date.now() + 5000;
      for (;;) {
        const hit = lists.find((l) => l.at >= t1 && l.list.find((x) => x.id === s.id)?.state === state);
        if (hit) {
          lat.push(hit.at - t1);
          break;
        }
        if (Date.now() > stop) throw new Error(`a state change never reached the client (${s.host})`);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    return {
      firstListMs,
      processes: during.length,
      perHost,
      cpuPct: ((cpu.user + cpu.system) / 1000 / IDLE_MS) * 100,
      lat,
    };
  } finally {
    conn.dispose();
    router.dispose();
  }
}

function rows(label: string, hosts: number, m: Measured): Row[] {
  const perSec = m.processes / (IDLE_MS / 1000) / hosts;
  const worst = Math.max(0, ...m.perHost.values()) / (IDLE_MS / 1000);
  const p95 = percentile(m.lat, 95);
  return [
    {
      scenario: 'fleet',
      metric: `${label}: processes per second per host, idle, UI subscribed`,
      orchard: perSec,
      baseline: null,
      unit: '/s/host',
      target: '≤ 1',
      ok: worst <= 1,
      note: `${m.processes} in ${IDLE_MS / 1000} s; busiest host ${worst.toFixed(2)}/s`,
    },
    {
      scenario: 'fleet',
      metric: `${label}: hook state change → client, p95 of ${m.lat.length}`,
      orchard: p95,
      baseline: null,
      unit: 'ms',
      target: '< 200',
      ok: p95 < 200,
      note: `p50 ${percentile(m.lat, 50).toFixed(1)} ms, max ${Math.max(...m.lat).toFixed(1)} ms`,
    },
    {
      scenario: 'fleet',
      metric: `${label}: first full list after start`,
      orchard: m.firstListMs,
      baseline: null,
      unit: 'ms',
      target: '',
      ok: null,
      note: `engine CPU while idle: ${m.cpuPct.toFixed(1)} % of a core`,
    },
  ];
}

async function localFleet(): Promise<Row[]> {
  const trace = traceExecs();
  const b = await benchEnv();
  try {
    const repo = makeRepo(b.dir, 'repo');
    const tmux = tmuxOn(b.socket, process.env);
    await makeSessions(tmux, repo, 'l', 100);
    const m = await measure(b.engine, 100, trace, (s, state) =>
      tmux('set-option', '-p', '-t', s.paneId, '@orchard_state', state),
    );
    return rows('1 host × 100 sessions', 1, m);
  } finally {
    trace.stop();
    b.dispose();
  }
}

async function sshFleet(): Promise<Row[]> {
  const trace = traceExecs();
  const sshds: Sshd[] = [];
  const { TMUX_TMPDIR: _t, ...plain } = process.env;
  const sockets = new Map<string, string>();
  let cleanup: (() => void) | undefined;
  try {
    for (let i = 0; i < 5; i++) sshds.push(await makeSshd());
    const s = await makeSshEnv(sshds[0]!, {
      hostName: 'h0',
      knownHosts: sshds.map((x) => x.knownHostsLine()),
    });
    cleanup = () => s.env.cleanup();
    sockets.set('h0', s.remoteSocket);
    for (let i = 1; i < 5; i++) {
      appendFileSync(s.configFile, sshds[i]!.configBlock(`h${i}`));
      sockets.set(`h${i}`, `${s.env.socket}-h${i}`);
    }
    await s.env.engine.store.update((c) => {
      for (let i = 1; i < 5; i++) c.hosts.push({ name: `h${i}`, tmuxSocket: sockets.get(`h${i}`)! });
    });
    const engine = s.env.engine;
    const repo = makeRepo(s.env.dir, 'repo');
    for (const [host, socket] of sockets) await makeSessions(tmuxOn(socket, plain), repo, host, 20);
    const m = await measure(engine, 100, trace, (x, state) =>
      tmuxOn(sockets.get(x.host)!, plain)('set-option', '-p', '-t', x.paneId, '@orchard_state', state),
    );
    return rows('5 SSH hosts × 20 sessions', 5, m);
  } finally {
    trace.stop();
    for (const socket of [...sockets.values()].slice(1))
      await tmuxOn(socket, plain)('kill-server').catch(() => undefined);
    cleanup?.();
    for (const d of sshds) await d.cleanup();
  }
}

export async function fleetScenario(): Promise<Row[]> {
  return [...(await localFleet()), ...(await sshFleet())];
}
