// The resource dashboard: per host and per session, current figures and charts over the last 15
// minutes, sessions sorted by what costs most. Data: the `stats` request (latest figures + history)
// once, then pushed `stats` events (one every ~2 s while this is mounted). Smooth with 50 sessions:
// uPlot only for the few big charts; each session row draws its own small canvas sparklines.
import { memo, useContext, useEffect, useMemo, useState } from 'react';
import type { OrchardApi, StatsSnapshot } from '../../../shared/api.ts';
import type { HostStats, SessionInfo, SessionStats, StatsPoint } from '../../../shared/model.ts';
import { api as defaultApi } from '../api.ts';
import { StoreContext } from '../state/context.tsx';
import { Chart } from './Chart.tsx';
import { sessionLabel, stateLabel } from '../../../shared/fleet.ts';
import { describeLimits, formatBytes, formatPercent } from '../../../shared/units.ts';
import { addPoint, byCost, hostCores, hostSeries, sessionSeries } from './history.ts';
import { LimitsForm } from './LimitsForm.tsx';
import { Sparkline } from './Sparkline.tsx';
import './dashboard.css';

const CPU = '#4f9dff';
const MEM = '#47c281';

export interface DashboardProps {
  /** Default: the window's one api module. */
  api?: OrchardApi;
  /** Session names and states for labels; default: the window's store when there is one. */
  sessions?: readonly SessionInfo[];
  onOpenSession?: (id: string) => void;
}

/** Latest figures + history, kept current from the `stats` events. */
export function useStats(api: OrchardApi): {
  latest: StatsSnapshot | null;
  points: StatsPoint[];
  error: string | null;
} {
  const [state, setState] = useState<{
    latest: StatsSnapshot | null;
    points: StatsPoint[];
    error: string | null;
  }>({
    latest: null,
    points: [],
    error: null,
  });
  useEffect(() => {
    let live = true;
    const take = (s: StatsSnapshot) => {
      if (live) setState((cur) => ({ latest: s, points: addPoint(cur.points, s), error: null }));
    };
    const off = api.on('stats', take);
    api.request('stats', {}).then(take, (e: unknown) => {
      if (live) setState((cur) => ({ ...cur, error: e instanceof Error ? e.message : String(e) }));
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return state;
}

function useStoreSessions(given: readonly SessionInfo[] | undefined): readonly SessionInfo[] {
  const store = useContext(StoreContext);
  const [list, setList] = useState<readonly SessionInfo[]>(() => given ?? store?.getState().sessions ?? []);
  useEffect(() => {
    if (given) return setList(given);
    if (!store) return;
    setList(store.getState().sessions);
    return store.subscribe(() => setList(store.getState().sessions));
  }, [given, store]);
  return list;
}

export function Dashboard(props: DashboardProps) {
  const api = props.api ?? defaultApi;
  const { latest, points, error } = useStats(api);
  const sessions = useStoreSessions(props.sessions);
  const byId = useMemo(() => new Map(sessions.map((s) => [s.id, s])), [sessions]);
  const [selected, setSelected] = useState<string | null>(null);

  if (!latest)
    return (
      <div className="dash dash-empty">{error ? `Resource figures unavailable: ${error}` : 'Sampling…'}</div>
    );
  const rows = [...latest.sessions].sort(byCost);
  const chosen = selected && rows.some((r) => r.id === selected) ? selected : (rows[0]?.id ?? null);
  return (
    <div className="dash">
      <section className="dash-hosts" aria-label="Hosts">
        {latest.hosts.map((h) => (
          <HostCard key={h.name} host={h} points={points} />
        ))}
      </section>
      {chosen && <SessionChart id={chosen} label={labelOf(byId.get(chosen), chosen)} points={points} />}
      {chosen && (
        <LimitsForm
          key={chosen}
          api={api}
          id={chosen}
          label={labelOf(byId.get(chosen), chosen)}
          limits={rows.find((r) => r.id === chosen)?.limits ?? null}
        />
      )}
      <section aria-label="Sessions">
        <table className="dash-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Host</th>
              <th>State</th>
              <th className="num">CPU</th>
              <th>CPU, 15 min</th>
              <th className="num">Memory</th>
              <th>Memory, 15 min</th>
              <th className="num">Procs</th>
              <th className="num">Disk</th>
              <th>Limits</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <SessionRow
                key={r.id}
                stats={r}
                info={byId.get(r.id)}
                points={points}
                selected={r.id === chosen}
                onSelect={setSelected}
                {...(props.onOpenSession ? { onOpen: props.onOpenSession } : {})}
              />
            ))}
            {!rows.length && (
              <tr>
                <td colSpan={9} className="muted">
                  No sessions.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}

export default Dashboard;

function labelOf(s: SessionInfo | undefined, id: string): string {
  return s ? sessionLabel(s) : id;
}

const HostCard = memo(function HostCard({ host, points }: { host: HostStats; points: StatsPoint[] }) {
  const series = useMemo(
    () => hostSeries(points, host.name, host.memory.total),
    [points, host.name, host.memory.total],
  );
  if (host.error)
    return (
      <article className="dash-card" aria-label={`Host ${host.name}`}>
        <h3>{host.name}</h3>
        <p className="dash-error">unavailable: {host.error}</p>
      </article>
    );
  const cores = hostCores(host);
  const memPct = host.memory.total ? (host.memory.used / host.memory.total) * 100 : 0;
  return (
    <article className="dash-card" aria-label={`Host ${host.name}`}>
      <h3>{host.name}</h3>
      <dl className="dash-figures">
        <dt>CPU</dt>
        <dd>
          {formatPercent(host.cpu / cores)} <span className="muted">of {cores} cores</span>
        </dd>
        <dt>Memory</dt>
        <dd>
          {formatBytes(host.memory.used)} / {formatBytes(host.memory.total)}{' '}
          <span className="muted">({formatBytes(host.memory.available)} available)</span>
        </dd>
        {host.swap.total > 0 && (
          <>
            <dt>Swap</dt>
            <dd>
              {formatBytes(host.swap.used)} / {formatBytes(host.swap.total)}
            </dd>
          </>
        )}
        <dt>Load</dt>
        <dd>{host.load.map((x) => x.toFixed(2)).join(' ')}</dd>
        {host.disks.map((d) => (
          <FragmentDisk key={d.mount} mount={d.mount} available={d.available} total={d.total} />
        ))}
      </dl>
      <meter min={0} max={100} value={memPct} aria-label={`Memory used on ${host.name}`} />
      <Chart
        title={`${host.name}: CPU and memory, %`}
        t={series.t}
        range={[0, 100]}
        series={[
          {
            label: 'CPU %',
            color: CPU,
            values: series.cpu.map((v) => (v === null ? null : v / cores)),
            format: formatPercent,
          },
          { label: 'Memory %', color: MEM, values: series.mem, format: formatPercent },
        ]}
      />
    </article>
  );
});

function FragmentDisk(d: { mount: string; available: number; total: number }) {
  return (
    <>
      <dt>Disk {d.mount}</dt>
      <dd>
        {formatBytes(d.available)} free of {formatBytes(d.total)}
      </dd>
    </>
  );
}

const SessionChart = memo(function SessionChart(p: { id: string; label: string; points: StatsPoint[] }) {
  const s = useMemo(() => sessionSeries(p.points, p.id), [p.points, p.id]);
  return (
    <section className="dash-session-charts" aria-label={`Charts for ${p.label}`}>
      <Chart
        title={`${p.label}: CPU (% of one core)`}
        t={s.t}
        series={[{ label: 'CPU', color: CPU, values: s.cpu, format: formatPercent }]}
      />
      <Chart
        title={`${p.label}: memory`}
        t={s.t}
        series={[{ label: 'RSS', color: MEM, values: s.mem, format: formatBytes }]}
      />
    </section>
  );
});

interface RowProps {
  stats: SessionStats;
  info: SessionInfo | undefined;
  points: StatsPoint[];
  selected: boolean;
  onSelect(id: string): void;
  onOpen?: (id: string) => void;
}

const SessionRow = memo(function SessionRow({ stats, info, points, selected, onSelect, onOpen }: RowProps) {
  const s = useMemo(() => sessionSeries(points, stats.id), [points, stats.id]);
  const label = labelOf(info, stats.id);
  const limits = stats.limits;
  const limitText = limits
    ? describeLimits(limits) + (limits.backend === 'soft' ? ' (soft: watched and stopped by Orchard)' : '')
    : '–';
  return (
    <tr
      className={selected ? 'selected' : undefined}
      aria-selected={selected}
      onClick={() => onSelect(stats.id)}
      onDoubleClick={() => onOpen?.(stats.id)}
    >
      <td title={stats.id}>{label}</td>
      <td>{stats.host}</td>
      <td>{info ? <span className={`state state-${info.state}`}>{stateLabel(info)}</span> : '–'}</td>
      <td className="num">{formatPercent(stats.cpu)}</td>
      <td>
        <Sparkline values={s.cpu} max={100} label={`CPU of ${label}`} color={CPU} />
      </td>
      <td className="num">{formatBytes(stats.rss)}</td>
      <td>
        <Sparkline values={s.mem} label={`Memory of ${label}`} color={MEM} />
      </td>
      <td className="num">{stats.processes}</td>
      <td className="num" title="Size of the worktree Orchard made (measured at most once a minute)">
        {stats.disk !== undefined ? formatBytes(stats.disk) : '–'}
      </td>
      <td className={limits?.backend === 'soft' ? 'muted' : undefined}>{limitText}</td>
    </tr>
  );
});
