// Resources and limits: `orchard stats`, `orchard limit`, `orchard host info`.
import type { RepoConfig, ResourceLimits, ResourceStats } from '../../shared/model.ts';
import { describeLimits, formatBytes, formatPercent, parseCpu, parseMemory } from '../../shared/units.ts';
import type { HostRegistry } from '../../core/hosts/registry.ts';
import {
  emptyHost,
  HOST_TIMEOUT_MS,
  listPanesWithin,
  ResourceMonitor,
  toResourceStats,
  type HostSample,
} from '../../core/monitor/monitor.ts';
import { need, str, UsageError, type Command, type Values } from '../command.ts';
import { table } from '../format.ts';
import { cliParams } from './host.ts';

const json = { json: { type: 'boolean' } } as const;

/** CPU needs two samples: the change in CPU time over about a second. */
export const STATS_INTERVAL_MS = 1000;

/** --memory / --cpu as given to spawn and limit. */
export function limitsFromValues(values: Values): ResourceLimits | undefined {
  const memory = str(values, 'memory');
  const cpu = str(values, 'cpu');
  if (memory === undefined && cpu === undefined) return undefined;
  return {
    ...(memory !== undefined ? { memory: parseMemory(memory) } : {}),
    ...(cpu !== undefined ? { cpu: parseCpu(cpu) } : {}),
  };
}

/**
 * One sample of every host, each within `ms` in all (connect, list-panes, snapshot), like `ls`: a
 * silent host is reported unreachable instead of holding the command. Hosts in `down` are not asked
 * again (the second sample would wait on them a second time).
 */
async function sampleWithin(
  monitor: ResourceMonitor,
  hosts: HostRegistry,
  repos: readonly RepoConfig[],
  ms: number,
  down: ReadonlyMap<string, string> = new Map(),
): Promise<HostSample[]> {
  const names = await hosts.names();
  return Promise.all(
    names.map(async (name): Promise<HostSample> => {
      const failed = (error: string): HostSample => ({
        host: emptyHost(name, error),
        sessions: [],
        snapshot: null,
      });
      const known = down.get(name);
      if (known !== undefined) return failed(known);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<HostSample>((resolve) => {
        timer = setTimeout(() => resolve(failed(`unreachable: did not answer within ${ms / 1000} s`)), ms);
      });
      const sample = (async () => {
        const ctx = await hosts.get(name);
        const panes = await listPanesWithin(ctx, ms);
        const sample = await monitor.sampleHost(
          ctx,
          panes,
          repos.filter((r) => r.host === name).map((r) => r.path),
        );
        // Worktree sizes (one du per host, cached a minute): a one-shot run waits for them.
        await monitor.disk.annotate(ctx, sample.sessions, panes, true).catch(() => undefined);
        return sample;
      })().catch((e: unknown) => failed(e instanceof Error ? e.message : String(e)));
      return Promise.race([sample, late]).finally(() => clearTimeout(timer));
    }),
  );
}

export function formatStats(s: ResourceStats): string {
  const hosts = table([
    ['HOST', 'CPU', 'MEM USED', 'MEM AVAIL', 'MEM TOTAL', 'LOAD', 'DISKS'],
    ...s.hosts.map((h) =>
      h.error
        ? [h.name, '-', '-', '-', '-', '-', `unavailable: ${h.error}`]
        : [
            h.name,
            `${formatPercent(h.cpu)} of ${h.cores * 100}%`,
            formatBytes(h.memory.used),
            formatBytes(h.memory.available),
            formatBytes(h.memory.total),
            h.load.map((x) => x.toFixed(2)).join(' '),
            h.disks.map((d) => `${d.mount} ${formatBytes(d.available)} free`).join(', ') || '-',
          ],
    ),
  ]);
  const sessions = s.sessions.length
    ? table([
        ['SESSION', 'HOST', 'CPU', 'RSS', 'PROCS', 'DISK', 'LIMITS'],
        ...s.sessions.map((x) => [
          x.id,
          x.host,
          formatPercent(x.cpu),
          formatBytes(x.rss),
          String(x.processes),
          x.disk !== undefined ? formatBytes(x.disk) : '-',
          x.limits ? `${describeLimits(x.limits)} (${x.limits.backend})` : '-',
        ]),
      ])
    : 'no sessions\n';
  return `${hosts}\n${sessions}`;
}

export const statsCommands: Command[] = [
  {
    name: 'stats',
    usage: 'stats [--json]',
    summary: 'CPU, memory, load and disks per host; CPU, memory and processes per session',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 0, this.usage);
      const e = engine();
      const repos = (await e.store.read()).repos;
      const monitor = new ResourceMonitor();
      try {
        const first = await sampleWithin(monitor, e.hosts, repos, HOST_TIMEOUT_MS);
        const down = new Map(
          first.flatMap((h) => (h.host.error ? [[h.host.name, h.host.error] as const] : [])),
        );
        await new Promise((r) => setTimeout(r, STATS_INTERVAL_MS));
        const s = toResourceStats(await sampleWithin(monitor, e.hosts, repos, HOST_TIMEOUT_MS, down));
        emit(s, formatStats(s));
      } finally {
        monitor.dispose();
      }
      return 0;
    },
  },
  {
    name: 'limit',
    usage: 'limit <id> [--memory 4G] [--cpu 150%] [--json]',
    summary: "change a running session's memory / CPU limits",
    options: { ...json, memory: { type: 'string' }, cpu: { type: 'string' } },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      const limits = limitsFromValues(values);
      if (!limits) throw new UsageError(`give --memory and/or --cpu (usage: orchard ${this.usage})`);
      const out = await engine().setLimits(cliParams('setLimits', { id: args[0], limits }));
      const soft = out.backend === 'soft' ? ' (soft: enforced only while the app or orchard web runs)' : '';
      const now = { ...(out.memory ? { memory: out.memory } : {}), ...(out.cpu ? { cpu: out.cpu } : {}) };
      emit(out, `${out.id}: ${describeLimits(now)} via ${out.backend}${soft}\n`);
      return 0;
    },
  },
  {
    name: 'host info',
    usage: 'host info [<host>] [--json]',
    summary: 'limit backend, tmux and git versions of a host (default: local)',
    options: json,
    async run({ args, engine, emit }) {
      if (args.length > 1) throw new UsageError(`usage: orchard ${this.usage}`);
      const info = await engine().hostInfo(cliParams('hostInfo', { name: args[0] ?? 'local' }).name);
      emit(
        info,
        table([
          ['host', info.name],
          ['limits', `${info.limits.backend}: ${info.limits.detail}`],
          ['tmux', info.tmux ?? 'not found'],
          ['git', info.git ?? 'not found'],
          ['memory reserve', formatBytes(info.memoryReserve)],
          ['disk reserve', formatBytes(info.diskReserve)],
        ]),
      );
      return 0;
    },
  },
];
