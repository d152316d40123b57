// The cgroup garbage collector's fixed script, run by sh on a plain directory tree (rmdir behaves
// the same: it refuses a non-empty dir as the kernel refuses a cgroup with processes).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { GC_SCRIPT } from '../../src/core/limits/apply.ts';

const base = mkdtempSync(join(tmpdir(), 'orchard-gc-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function dir(name: string, ageMin: number, busy = false): string {
  const d = join(base, name);
  mkdirSync(d);
  if (busy) writeFileSync(join(d, 'cgroup.procs'), '123\n');
  const t = Date.now() / 1000 - ageMin * 60;
  utimesSync(d, t, t);
  return d;
}

test('removes only old, empty dirs of sessions that are gone', () => {
  const gone = dir('aa11', 5);
  const live = dir('bb22', 5);
  const young = dir('cc33', 0);
  const busy = dir('dd44', 5, true);
  const hostile = dir("e'; touch x; '", 5);
  execFileSync('sh', ['-c', GC_SCRIPT, 'gc', base, 'bb22', 'zz99']);
  expect(existsSync(gone)).toBe(false);
  expect(existsSync(live)).toBe(true);
  expect(existsSync(young)).toBe(true);
  expect(existsSync(busy)).toBe(true);
  expect(existsSync(hostile)).toBe(false);
  expect(existsSync(join(process.cwd(), 'x'))).toBe(false);
});
