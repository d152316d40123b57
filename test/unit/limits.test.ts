import { expect, test } from 'vitest';
import { cgroupDirs, limitOps, oomFile } from '../../src/core/limits/apply.ts';
import { admissionError } from '../../src/core/limits/limits.ts';
import { candidateBases, chooseBackend, parseFacts } from '../../src/core/limits/probe.ts';
import { overSoftLimit } from '../../src/core/limits/soft.ts';
import { decodeLimitsTag, encodeLimitsTag } from '../../src/core/limits/spec.ts';
import { describeLimits, formatBytes, formatPercent, parseCpu, parseMemory } from '../../src/shared/units.ts';
import type { HostSample } from '../../src/core/monitor/monitor.ts';

const GiB = 1024 ** 3;

test('memory and CPU limits as users write them', () => {
  expect(parseMemory('4G')).toBe(4 * GiB);
  expect(parseMemory('150M')).toBe(150 * 1024 ** 2);
  expect(parseMemory('1.5GiB')).toBe(1.5 * GiB);
  expect(parseMemory('512mb')).toBe(512 * 1024 ** 2);
  expect(() => parseMemory('lots')).toThrow(/not a memory size/);
  expect(() => parseMemory('1K')).toThrow(/too small/);
  expect(parseCpu('150%')).toBe(150);
  expect(parseCpu('50')).toBe(50);
  expect(() => parseCpu('0%')).toThrow(/not a CPU limit/);
  expect(() => parseCpu('fast')).toThrow(/not a CPU limit/);
  expect(formatBytes(150 * 1024 ** 2)).toBe('150M');
  expect(formatBytes(1.5 * GiB)).toBe('1.5G');
  // Measured figures: three significant digits at most, whole units as they are.
  expect(formatBytes(123.4 * 1024 ** 2)).toBe('123M');
  expect(formatBytes(16 * GiB)).toBe('16G');
  expect(formatBytes(512)).toBe('512B');
  expect(formatPercent(42.123)).toBe('42.1%');
  expect(formatPercent(250.4)).toBe('250%');
  expect(describeLimits({ memory: 2 * GiB, cpu: 150 })).toBe('memory 2G, cpu 150%');
  expect(describeLimits({})).toBe('none');
});

test('the limits tag round-trips and rejects junk', () => {
  const tag = { backend: 'cgroup1' as const, memory: 5, cpu: 20, cgroups: ['/a', '/b'] };
  expect(decodeLimitsTag(encodeLimitsTag(tag))).toEqual(tag);
  expect(decodeLimitsTag('')).toBeNull();
  expect(decodeLimitsTag('{"backend":"sudo"}')).toBeNull();
  expect(decodeLimitsTag('not json')).toBeNull();
});

// This machine: cgroup v1 memory/cpu, a cgroup2 mount with only hugetlb, no systemd user manager.
const HERE = [
  '@systemd no',
  '@mounts',
  'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
  'cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0',
  'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
  'cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
  '@self',
  '4:memory:/process_api/4df6',
  '1:cpu:/',
  '0::/',
  '@controllers',
  '/sys/fs/cgroup/unified hugetlb',
  '@end',
].join('\n');

test('probe: this machine gets cgroup v1 when the bases are writable, soft when not', () => {
  const facts = parseFacts(HERE);
  expect(facts.systemd).toBe(false);
  expect(facts.mounts.find((m) => m.path === '/sys/fs/cgroup/memory')?.controllers).toEqual(['memory']);
  expect(candidateBases(facts)).toEqual([
    '/sys/fs/cgroup/cpu/orchard',
    '/sys/fs/cgroup/memory/orchard',
    '/sys/fs/cgroup/memory/process_api/4df6/orchard',
  ]);
  const all = new Set(candidateBases(facts));
  expect(chooseBackend(facts, all)).toMatchObject({
    backend: 'cgroup1',
    memory: '/sys/fs/cgroup/memory/orchard',
    cpu: '/sys/fs/cgroup/cpu/orchard',
  });
  // Delegated: only our own memory cgroup is writable, and no cpu base → not enough.
  expect(chooseBackend(facts, new Set(['/sys/fs/cgroup/memory/process_api/4df6/orchard'])).backend).toBe(
    'soft',
  );
  expect(chooseBackend(facts, new Set()).detail).toMatch(/soft limits/);
});

test('probe: systemd first, then a cgroup v2 with memory and cpu', () => {
  const v2 = [
    '@systemd no',
    '@mounts',
    'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0',
    '@self',
    '0::/user.slice/user-1000.slice/session-3.scope',
    '@controllers',
    '/sys/fs/cgroup cpuset cpu io memory pids',
    '@end',
  ].join('\n');
  const facts = parseFacts(v2);
  expect(candidateBases(facts)).toEqual([
    '/sys/fs/cgroup/orchard',
    '/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/orchard',
  ]);
  expect(chooseBackend(facts, new Set(['/sys/fs/cgroup/orchard']))).toMatchObject({
    backend: 'cgroup2',
    unified: '/sys/fs/cgroup/orchard',
  });
  expect(chooseBackend(parseFacts(v2.replace('@systemd no', '@systemd yes')), new Set()).backend).toBe(
    'systemd',
  );
  expect(chooseBackend(facts, new Set()).backend).toBe('soft');
});

test('cgroup writes: v1 and v2 files, unlimited when absent', () => {
  const v1 = {
    backend: 'cgroup1' as const,
    cgroups: cgroupDirs({ backend: 'cgroup1', detail: '', memory: '/m/orchard', cpu: '/c/orchard' }, 'ab12'),
  };
  expect(v1.cgroups).toEqual(['/m/orchard/ab12', '/c/orchard/ab12']);
  expect(limitOps(v1, { memory: 150 * 1024 ** 2, cpu: 150 })).toEqual([
    ['write', '/m/orchard/ab12/memory.limit_in_bytes', String(150 * 1024 ** 2)],
    ['try', '/m/orchard/ab12/memory.swappiness', '0'],
    ['write', '/c/orchard/ab12/cpu.cfs_period_us', '100000'],
    ['write', '/c/orchard/ab12/cpu.cfs_quota_us', '150000'],
  ]);
  expect(limitOps(v1, {})[0]![2]).toBe('-1');
  expect(oomFile(v1)).toBe('/m/orchard/ab12/memory.oom_control');
  const v2 = { backend: 'cgroup2' as const, cgroups: ['/u/orchard/ab12'] };
  expect(limitOps(v2, { cpu: 50 })).toEqual([
    ['write', '/u/orchard/ab12/memory.max', 'max'],
    ['write', '/u/orchard/ab12/cpu.max', '50000 100000'],
    ['try', '/u/orchard/ab12/memory.swap.max', 'max'],
  ]);
  expect(oomFile(v2)).toBe('/u/orchard/ab12/memory.events');
});

test('admission: refused below reserve + expected size, with a clear message', () => {
  const claude = { label: 'Claude Code', expectedMemory: 1.5 * GiB };
  expect(admissionError('devbox', 4 * GiB, 2 * GiB, claude)).toBeNull();
  const e = admissionError('devbox', 3 * GiB, 2 * GiB, claude);
  expect(e?.code).toBe('admission-refused');
  expect(e?.message).toBe(
    'not enough memory on devbox: 3G available, but Orchard keeps 2G free plus 1.5G for Claude Code (use --force to spawn anyway, or lower the memoryReserve preference)',
  );
  expect(admissionError('local', 1 * GiB, 2 * GiB, { label: 'x' })?.message).not.toContain(' plus ');
});

test('soft limits: only soft-limited sessions over their memory, wrapper spared', () => {
  const session = (backend: 'soft' | 'cgroup1', rss: number) => ({
    stats: {} as never,
    pane: { pane_pid: '100', pane_id: '%1' } as never,
    tag: { backend, memory: 1000 },
    usage: { cpu: 0, rss, processes: 3, pids: [100, 101, 102] },
  });
  const sample = (s: ReturnType<typeof session>[]): HostSample => ({
    host: {} as never,
    sessions: s,
    snapshot: null,
  });
  expect(overSoftLimit(sample([session('soft', 1001)]))).toEqual([{ paneId: '%1', pids: [101, 102] }]);
  expect(overSoftLimit(sample([session('soft', 999), session('cgroup1', 5000)]))).toEqual([]);
});
