// Benchmark plumbing: a private Orchard environment, timing, percentiles and the result table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/core/engine.ts';
import { HostRegistry } from '../src/core/hosts/registry.ts';
import { LocalHost } from '../src/core/hosts/local.ts';
import { JsonFileStore } from '../src/core/store/json-store.ts';

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

export interface BenchEnv {
  dir: string;
  home: string;
  socket: string;
  local: LocalHost;
  engine: Engine;
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

export async function benchEnv(): Promise<BenchEnv> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'orchard-bench-')));
  const home = join(dir, 'home');
  const socket = `orchard-bench-${randomBytes(4).toString('hex')}`;
  const store = JsonFileStore.inHome(home);
  await store.update((c) => {
    c.profiles.push({
      id: 'fake',
      label: 'Fake Claude',
      kind: 'claude',
      command: [process.execPath, FAKE_AGENT],
    });
    c.preferences.defaultAgent = 'fake';
  });
  const local = new LocalHost();
  const engine = new Engine(store, new HostRegistry(home, { tmuxSocket: socket, local }));
  return {
    dir,
    home,
    socket,
    local,
    engine,
    env: { ...process.env, ORCHARD_HOME: home, ORCHARD_TMUX_SOCKET: socket },
    dispose() {
      engine.dispose();
      try {
        execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      } catch {
        // no server
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@b',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@b',
    },
  });
}

export function makeRepo(parent: string, name: string, branches: string[]): string {
  const path = join(parent, name);
  execFileSync('git', ['init', '-q', '-b', 'main', path]);
  git(path, 'commit', '-q', '--allow-empty', '-m', 'initial');
  for (const b of branches) git(path, 'branch', '--', b);
  return path;
}

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
