import { expect, test } from 'vitest';
import {
  parseDf,
  parseLoadavg,
  parseMeminfo,
  parsePidStat,
  parseProcStat,
} from '../../src/core/monitor/parse.ts';
import { parseSnapshotOutput } from '../../src/core/monitor/snapshot.ts';

// Real lines from this machine's /proc, and hostile comm values (a process may name itself anything).
const STAT =
  '14725 (cat) R 14721 14721 7544 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 300361 3133440 393 18446744073709551615 93919964815360 93919964835241 140724678234128 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';

test('parsePidStat: pid, ppid, utime+stime, starttime, rss pages', () => {
  expect(parsePidStat(STAT)).toEqual({ pid: 14725, ppid: 14721, ticks: 10, start: 300361, rssPages: 393 });
});

test('parsePidStat: comm with spaces and parentheses is cut at the last )', () => {
  const line = STAT.replace('(cat)', '(a) b (c) d)');
  expect(parsePidStat(line)).toMatchObject({ pid: 14725, ppid: 14721, ticks: 10, rssPages: 393 });
  expect(parsePidStat('garbage')).toBeNull();
  expect(parsePidStat('12 (x) R 1 2')).toBeNull();
});

test('parseMeminfo: bytes; MemAvailable, or free + buffers + cached on old kernels', () => {
  const m = parseMeminfo(
    'MemTotal:       24684096 kB\nMemFree:        23674332 kB\nMemAvailable:   24298896 kB\nBuffers: 10 kB\nCached: 20 kB\nSwapTotal:  1024 kB\nSwapFree:  512 kB\n',
  );
  expect(m).toEqual({
    total: 24684096 * 1024,
    available: 24298896 * 1024,
    swapTotal: 1024 * 1024,
    swapFree: 512 * 1024,
  });
  const old = parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\n');
  expect(old.available).toBe(35 * 1024);
});

test('parseLoadavg and parseProcStat', () => {
  expect(parseLoadavg('0.26 0.18 0.07 1/95 8481\n')).toEqual([0.26, 0.18, 0.07]);
  expect(parseLoadavg('')).toEqual([0, 0, 0]);
  const cpu = parseProcStat(
    'cpu  11827 0 6519 580303 673 0 83 15 0 0\ncpu0 4855 0 2704 292018 33 0 22 5 0 0\ncpu1 1 0 1 1 1 0 0 0 0 0\nintr 1 2\n',
  );
  expect(cpu).toEqual({ total: 11827 + 6519 + 580303 + 673 + 83 + 15, idle: 580303 + 673, cores: 2 });
});

test('parseDf: POSIX df -P -k, mount points with spaces, one entry per mount', () => {
  const out =
    'Filesystem     1024-blocks     Used Available Capacity Mounted on\n' +
    '/dev/vda         264212084 23981280  82409632      23% /\n' +
    '/dev/vda         264212084 23981280  82409632      23% /\n' +
    'my disk              1000      400       600      40% /mnt/my disk\n';
  expect(parseDf(out)).toEqual([
    { mount: '/', total: 264212084 * 1024, used: 23981280 * 1024, available: 82409632 * 1024 },
    { mount: '/mnt/my disk', total: 1000 * 1024, used: 400 * 1024, available: 600 * 1024 },
  ]);
});

test('parseSnapshotOutput: the remote script sections; refuses output without /proc', () => {
  const out = [
    '@clk 100',
    '@page 16384',
    '@stat',
    'cpu  10 0 10 80 0 0 0 0 0 0',
    'cpu0 10 0 10 80 0 0 0 0 0 0',
    '@meminfo',
    'MemTotal: 1000 kB',
    'MemAvailable: 600 kB',
    '@loadavg',
    '1.00 0.50 0.25 1/10 99',
    '@procs',
    STAT,
    '@df',
    '@end',
    '',
  ].join('\n');
  const s = parseSnapshotOutput(out, 42);
  expect(s.atMs).toBe(42);
  expect(s.pageSize).toBe(16384);
  expect(s.cpu.cores).toBe(1);
  expect(s.mem.available).toBe(600 * 1024);
  expect(s.load).toEqual([1, 0.5, 0.25]);
  expect([...s.procs.keys()]).toEqual([14725]);
  expect(s.disks).toEqual([]);
  expect(() => parseSnapshotOutput('sh: /proc/stat: No such file\n', 0)).toThrow(/no process snapshot/);
});
