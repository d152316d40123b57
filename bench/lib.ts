// Benchmark plumbing: a private Orchard environment, timing, percentiles and the result table.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalHost } from '../src/core/hosts/local.ts';
import { git, makeEnv, makeRepo, type TestEnv } from '../test/helpers/env.ts';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const FAKE_AGENT = join(ROOT, 'test/fixtures/fake-agent.mjs');
export const CLI = join(ROOT, 'bin/orchard.js');

export interface Row {
  scenario: string;
  metric: string;
  orchard: number;
  baseline: number | null;
  unit: string;
  target: string;
  /** null when the scenario has no target or no baseline. */
  ok: boolean | null;
  note?: string;
}

export interface BenchEnv extends TestEnv {
  /** The local host, whose exec counter tells how many processes a step forked. */
  local: LocalHost;
  dispose(): void;
}

/** The test suite's environment (temp ORCHARD_HOME, private tmux socket, fake agent as default). */
export async function benchEnv(): Promise<BenchEnv> {
  const local = new LocalHost();
  const env = await makeEnv({ local });
  return { ...env, local, dispose: () => env.cleanup() };
}

export { git, makeRepo };

export const now = (): number => performance.now();

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export const median = (v: number[]): number => percentile(v, 50);

export async function poll(
  fn: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  everyMs = 5,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('benchmark wait timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function ratio(r: Row): string {
  return r.baseline ? `${(r.orchard / r.baseline).toFixed(2)}x` : '';
}

export function printTable(rows: Row[]): string {
  const fmt = (n: number | null) =>
    n === null ? '' : Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1);
  const lines = [['scenario', 'metric', 'orchard', 'baseline', 'ratio', 'unit', 'target', 'ok', 'note']];
  for (const r of rows)
    lines.push([
      r.scenario,
      r.metric,
      fmt(r.orchard),
      fmt(r.baseline),
      ratio(r),
      r.unit,
      r.target,
      r.ok === null ? '' : r.ok ? 'yes' : 'NO',
      r.note ?? '',
    ]);
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
