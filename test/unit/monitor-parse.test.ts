import { expect, test } from 'vitest';
import {
  parseDf,
  parseLoadavg,
  parseMeminfo,
  parsePidStat,
  parseProcStat,
  commandLabel,
  parseHeadCmdlines,
  parseNetTcp,
  parseSocketLinks,
} from '../../src/core/monitor/parse.ts';
import { parseSnapshotOutput } from '../../src/core/monitor/snapshot.ts';

// Real lines from this machine's /proc, and hostile comm values (a process may name itself anything).
const STAT =
  '14725 (cat) R 14721 14721 7544 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 300361 3133440 393 18446744073709551615 93919964815360 93919964835241 140724678234128 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';

test('parsePidStat: pid, ppid, utime+stime, starttime, rss pages', () => {
  expect(parsePidStat(STAT)).toEqual({
    pid: 14725,
    ppid: 14721,
    ticks: 10,
    start: 300361,
    rssPages: 393,
    comm: 'cat',
  });
});

test('parsePidStat: comm with spaces and parentheses is cut at the last )', () => {
  const line = STAT.replace('(cat)', '(a) b (c) d)');
  expect(parsePidStat(line)).toMatchObject({ pid: 14725, ppid: 14721, ticks: 10, rssPages: 393 });
  expect(parsePidStat(line)?.comm).toBe('a) b (c) d');
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

// Lines as this machine's /proc/net/tcp and tcp6 print them: a LISTEN on 127.0.0.1:5173, one on
// 0.0.0.0:22, an ESTABLISHED connection (not listening), and IPv6 LISTENs on :: and ::1 and ::ffff:127.0.0.1.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1435 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 112233 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 445566 1 0000000000000000 100 0 0 10 0
   2: 0100007F:0016 0100007F:D2F0 01 00000000:00000000 02:0009E7A1 00000000     0        0 778899 2 0000000000000000 20 4 30 10 -1
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9002 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:2329 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9003 1 0000000000000000 100 0 0 10 0
   3: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 100 0 0 10 0
`;

test('parseNetTcp: LISTEN sockets of IPv4 and IPv6 by inode, addresses as text', () => {
  const m = parseNetTcp(TCP);
  expect([...m.entries()]).toEqual([
    ['112233', { address: '127.0.0.1', port: 5173 }],
    ['445566', { address: '0.0.0.0', port: 22 }],
    ['9001', { address: '::', port: 8080 }],
    ['9002', { address: '::1', port: 3000 }],
    ['9003', { address: '127.0.0.1', port: 9001 }],
  ]);
  expect(parseNetTcp('garbage\n1: x')).toEqual(new Map());
});

test('parseSocketLinks: socket inodes per pid from find -printf', () => {
  const m = parseSocketLinks(
    '/proc/12/fd socket:[112233]\n/proc/12/fd socket:[5]\n/proc/99/fd socket:[7]\nnoise\n',
  );
  expect(m.get(12)).toEqual(['112233', '5']);
  expect(m.get(99)).toEqual(['7']);
  expect(m.size).toBe(2);
});

test('parseHeadCmdlines and commandLabel: the listening process named as a person would', () => {
  const out =
    '==> /dev/null <==\n\n==> /proc/12/cmdline <==\nnode /w/node_modules/.bin/vite --port 5173 \n==> /proc/99/cmdline <==\n/usr/bin/python3 -m http.server ';
  const m = parseHeadCmdlines(out);
  expect(m.get(12)).toBe('node /w/node_modules/.bin/vite --port 5173');
  expect(m.get(99)).toBe('/usr/bin/python3 -m http.server');
  expect(commandLabel(m.get(12)!)).toBe('vite');
  expect(commandLabel('/usr/bin/node /srv/app/server.mjs 8080')).toBe('server');
  expect(commandLabel(m.get(99)!)).toBe('python3');
  expect(commandLabel('/usr/sbin/nginx -g daemon off;')).toBe('nginx');
  expect(commandLabel('', 'MainThread')).toBe('MainThread');
});
