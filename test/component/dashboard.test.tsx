// The resource dashboard against a stand-in api: figures per host and per session, sorted by cost,
// history from the `stats` request, then live `stats` events; 50 sessions render as 50 rows.
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { StatsSnapshot } from '../../src/shared/api.ts';
import type { SessionStats } from '../../src/shared/model.ts';
import { Dashboard } from '../../src/renderer/src/dashboard/index.tsx';
import { addPoint, hostSeries, sessionSeries } from '../../src/renderer/src/dashboard/history.ts';
import { fakeApi, session } from './fake-api.tsx';

const GiB = 1024 ** 3;
const T0 = Date.parse('2026-11-25T10:00:00Z');

function snap(at: number, sessions: SessionStats[], history?: StatsSnapshot['history']): StatsSnapshot {
  return {
    at: new Date(at).toISOString(),
    hosts: [
      {
        name: 'local',
        cpu: 150,
        cores: 2,
        memory: { total: 16 * GiB, used: 4 * GiB, available: 12 * GiB },
        swap: { total: 0, used: 0 },
        load: [1.5, 1, 0.5],
        disks: [{ mount: '/', total: 100 * GiB, used: 40 * GiB, available: 60 * GiB }],
      },
      {
        name: 'devbox',
        cpu: 0,
        cores: 0,
        memory: { total: 0, used: 0, available: 0 },
        swap: { total: 0, used: 0 },
        load: [0, 0, 0],
        disks: [],
        error: 'host unreachable',
      },
    ],
    sessions,
    ...(history ? { history } : {}),
  };
}

const st = (id: string, cpu: number, rss: number, extra: Partial<SessionStats> = {}): SessionStats => ({
  id,
  host: 'local',
  cpu,
  rss,
  processes: 3,
  limits: null,
  ...extra,
});

test('hosts and sessions, most expensive first, then live updates re-sort', async () => {
  const history = [0, 1, 2].map((i) => ({
    t: T0 + i * 2000,
    hosts: { local: [100, 4 * GiB] as [number, number] },
    sessions: { a: [10, GiB] as [number, number] },
  }));
  const first = snap(
    T0 + 6000,
    [
      st('a', 5, GiB),
      st('b', 90, 100 * 1024 ** 2, { limits: { backend: 'cgroup1', memory: 2 * GiB, cpu: 150 } }),
    ],
    history,
  );
  const fake = fakeApi({ stats: () => first });
  render(
    <Dashboard
      api={fake.api}
      sessions={[
        session('a', 'feature/login'),
        session('b', 'fix/bug', { state: 'waiting', reason: 'permission' }),
      ]}
    />,
  );
  const table = await screen.findByRole('table');
  const rows = () =>
    within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent ?? '');
  expect(rows()[0]).toContain('web · fix/bug');
  expect(rows()[0]).toContain('waiting · permission');
  expect(rows()[0]).toContain('90.0%');
  expect(rows()[0]).toContain('memory 2G, cpu 150%');
  expect(rows()[1]).toContain('web · feature/login');
  const host = screen.getByRole('article', { name: 'Host local' });
  expect(host.textContent).toContain('75.0% of 2 cores');
  expect(host.textContent).toContain('4G / 16G');
  expect(host.textContent).toContain('60G free of 100G');
  expect(screen.getByRole('article', { name: 'Host devbox' }).textContent).toContain(
    'unavailable: host unreachable',
  );
  expect(fake.calls('stats')).toEqual([{}]);
  act(() => fake.emit('stats', snap(T0 + 8000, [st('a', 120, GiB), st('b', 1, 100 * 1024 ** 2)])));
  expect(rows()[0]).toContain('web · feature/login');
  expect(rows()[0]).toContain('120%');
});

test('50 sessions: 50 rows with their sparklines', async () => {
  const many = Array.from({ length: 50 }, (_, i) => st(`s${i}`, i, i * 1024 ** 2));
  const fake = fakeApi({ stats: () => snap(T0, many) });
  render(<Dashboard api={fake.api} sessions={[]} />);
  const table = await screen.findByRole('table');
  const rows = within(table).getAllByRole('row').slice(1);
  expect(rows).toHaveLength(50);
  expect(rows[0]!.textContent).toContain('s49');
  expect(screen.getAllByRole('img', { name: /^CPU of / })).toHaveLength(50);
});

test('history: server history first, then one point per event, nothing older than the window', () => {
  const h = [{ t: T0, hosts: {}, sessions: {} }];
  let pts = addPoint([], snap(T0 + 2000, [st('a', 50, GiB)], h));
  expect(pts.map((p) => p.t)).toEqual([T0, T0 + 2000]);
  pts = addPoint(pts, snap(T0 + 4000, [st('a', 70, 2 * GiB)]));
  expect(sessionSeries(pts, 'a')).toEqual({
    t: [T0 / 1000, T0 / 1000 + 2, T0 / 1000 + 4],
    cpu: [null, 50, 70],
    mem: [null, GiB, 2 * GiB],
  });
  expect(hostSeries(pts, 'local', 16 * GiB).mem).toEqual([null, 25, 25]);
  pts = addPoint(pts, snap(T0 + 20 * 60_000, []));
  expect(pts).toHaveLength(1);
});

test('limits of the chosen session change through setLimits, read as the CLI reads them', async () => {
  const fake = fakeApi({
    stats: () => snap(T0, [st('b', 90, GiB, { limits: { backend: 'cgroup2', memory: 2 * GiB } })]),
    setLimits: ({ id, limits }) => ({
      id,
      backend: 'cgroup2',
      memory: limits.memory ?? null,
      cpu: limits.cpu ?? null,
    }),
  });
  render(<Dashboard api={fake.api} sessions={[session('b', 'fix/bug')]} />);
  const form = await screen.findByRole('form', { name: 'Limits of web · fix/bug' });
  const memory = within(form).getByRole('textbox', { name: 'Memory limit' }) as HTMLInputElement;
  const cpu = within(form).getByRole('textbox', { name: 'CPU limit' }) as HTMLInputElement;
  expect(memory.value).toBe('2G');
  act(() => {
    fireEvent.change(memory, { target: { value: '10k' } });
  });
  act(() => within(form).getByRole('button', { name: 'Apply limits' }).click());
  expect((await within(form).findByRole('alert')).textContent).toMatch(/too small/);
  expect(fake.calls('setLimits')).toEqual([]);
  act(() => {
    fireEvent.change(memory, { target: { value: '1.5G' } });
    fireEvent.change(cpu, { target: { value: '120%' } });
  });
  act(() => within(form).getByRole('button', { name: 'Apply limits' }).click());
  expect((await within(form).findByRole('status')).textContent).toBe(
    'Now memory 1.5G, cpu 120% via cgroup2.',
  );
  expect(fake.calls('setLimits')).toEqual([{ id: 'b', limits: { memory: 1.5 * GiB, cpu: 120 } }]);
});
