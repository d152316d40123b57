// Dev servers of agents: `orchard ports` (what sessions listen on) and `orchard forward` (an SSH
// session's port on this machine's 127.0.0.1, until Ctrl-C).
import { rm } from 'node:fs/promises';
import type { ForwardInfo, SessionPort } from '../../shared/api.ts';
import { readForwardRecords } from '../../core/ports/forward.ts';
import { need, str, UsageError, type Command } from '../command.ts';
import { table } from '../format.ts';

const json = { json: { type: 'boolean' } } as const;

function portNumber(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) throw new UsageError(`${what} must be a port (1-65535)`);
  return n;
}

export function formatPorts(list: SessionPort[]): string {
  if (!list.length) return 'no listening ports\n';
  return table([
    ['SESSION', 'HOST', 'PORT', 'ADDRESS', 'PID', 'COMMAND'],
    ...list.map((p) => [p.id, p.host, String(p.port), p.address, String(p.pid), p.command]),
  ]);
}

export function formatForwards(list: ForwardInfo[]): string {
  if (!list.length) return 'no forwards\n';
  return table([
    ['LOCAL', 'SESSION', 'HOST', 'REMOTE', 'OWNER', 'STARTED'],
    ...list.map((f) => [
      f.url,
      f.sessionId,
      f.host,
      `${f.remoteAddress}:${f.remotePort}`,
      `${f.owner} (pid ${f.pid})`,
      f.startedAt,
    ]),
  ]);
}

/** Resolves on Ctrl-C / SIGTERM / SIGHUP, or when `ended` says the forward is over. */
function untilStopped(ended: (l: () => void) => void): Promise<string> {
  return new Promise((resolve) => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const done = (why: string) => {
      for (const s of signals) process.off(s, handlers[s]);
      resolve(why);
    };
    const handlers = Object.fromEntries(signals.map((s) => [s, () => done(s)])) as Record<
      (typeof signals)[number],
      () => void
    >;
    for (const s of signals) process.once(s, handlers[s]);
    ended(() => done('ended'));
  });
}

export const portCommands: Command[] = [
  {
    name: 'ports',
    usage: 'ports [<id>] [--json]',
    summary: 'TCP ports the sessions listen on (dev servers): [{id, host, port, address, pid, command}]',
    options: json,
    async run({ args, engine, emit }) {
      if (args.length > 1) need(args, 1, this.usage);
      const list = await engine().ports(args[0]);
      emit(list, formatPorts(list));
      return 0;
    },
  },
  {
    name: 'forward',
    usage: 'forward <id> <remote-port> [--local N] [--json]',
    summary: "an SSH session's port on 127.0.0.1 here, until Ctrl-C (local sessions need none)",
    options: { ...json, local: { type: 'string' } },
    async run({ args, values, engine, emit, io }) {
      need(args, 2, this.usage);
      const port = portNumber(args[1]!, 'remote-port');
      const local = str(values, 'local');
      const e = engine();
      const f = await e.forwarder.start(
        args[0]!,
        port,
        local === undefined ? undefined : portNumber(local, '--local'),
      );
      if (f.direct) {
        emit(f, `session ${f.sessionId} runs on this machine: open ${f.url} (nothing to forward)\n`);
        return 0;
      }
      emit(
        f,
        `forwarding ${f.url} → ${f.host} ${f.remoteAddress}:${f.remotePort} (session ${f.sessionId}); Ctrl-C stops\n`,
      );
      const why = await untilStopped((ended) => {
        const timer = setInterval(() => {
          if (!e.forwarder.list().some((x) => x.localPort === f.localPort)) {
            clearInterval(timer);
            ended();
          }
        }, 500);
        timer.unref();
      });
      e.forwarder.stop(f.localPort);
      if (why === 'ended')
        io.err(
          `orchard: forward of ${f.url} ended (session ${f.sessionId} ended or the forward was stopped)\n`,
        );
      return 0;
    },
  },
  {
    name: 'forward ls',
    usage: 'forward ls [--json]',
    summary: 'forwards run by any Orchard process on this machine (CLI, orchard web, the app)',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 0, this.usage);
      const list = await readForwardRecords(engine().hosts.home);
      const out = list.map(({ record: _record, ...f }) => f);
      emit(out, formatForwards(out));
      return 0;
    },
  },
  {
    name: 'forward stop',
    usage: 'forward stop <local-port>',
    summary: 'stop the forward listening on that local port (whichever Orchard process runs it)',
    async run({ args, engine, io }) {
      need(args, 1, this.usage);
      const port = portNumber(args[0]!, 'local-port');
      const hit = (await readForwardRecords(engine().hosts.home)).find((f) => f.localPort === port);
      if (!hit) throw new UsageError(`no forward listens on 127.0.0.1:${port} (see orchard forward ls)`);
      // The owner checks its record every 2 s and stops the forward when it is gone.
      await rm(hit.record, { force: true });
      io.out(`stopping the forward on ${hit.url} (run by ${hit.owner}, pid ${hit.pid})\n`);
      return 0;
    },
  },
];
