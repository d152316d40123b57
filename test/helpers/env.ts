// Shared test scaffolding: temp git repos, an engine on a private tmux socket, the CLI as a process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Engine } from '../../src/core/engine.ts';
import { HostRegistry, type HostRegistryOptions } from '../../src/core/hosts/registry.ts';
import { JsonFileStore } from '../../src/core/store/json-store.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FAKE_AGENT = join(ROOT, 'test/fixtures/fake-agent.mjs');
export const CLI = join(ROOT, 'bin/orchard.js');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
}

/** A repo with one commit on main and the given extra branches. */
export function makeRepo(parent: string, name = 'repo', branches: string[] = []): string {
  const path = join(parent, name);
  execFileSync('git', ['init', '-q', '-b', 'main', path]);
  git(path, 'commit', '-q', '--allow-empty', '-m', 'initial commit');
  for (const b of branches) git(path, 'branch', '--', b);
  return path;
}

export interface TestEnv {
  dir: string;
  home: string;
  socket: string;
  engine: Engine;
  /** Environment for CLI processes: same home and socket. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A temp dir, ORCHARD_HOME and tmux socket of its own, with a "fake" Claude-like agent profile as default. */
export async function makeEnv(registryOpts: HostRegistryOptions = {}): Promise<TestEnv> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'orchard-test-')));
  const home = join(dir, 'home');
  const socket = `orchard-test-${randomBytes(4).toString('hex')}`;
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
  const engine = new Engine(store, new HostRegistry(home, { tmuxSocket: socket, ...registryOpts }));
  // ORCHARD_WEB_BUILD=0: an `orchard web` under test serves what is built (the e2e setup builds
  // it); it must not start a minute-long UI build in a checkout without out/.
  const env = { ...process.env, ORCHARD_HOME: home, ORCHARD_TMUX_SOCKET: socket, ORCHARD_WEB_BUILD: '0' };
  return {
    dir,
    home,
    socket,
    engine,
    env,
    cleanup() {
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

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; a run that does not end within `timeoutMs` is killed and reported (exit 124). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
  timeoutMs = 30_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n[test] orchard ${args.join(' ')} did not finish within ${timeoutMs} ms; killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 124, stdout, stderr });
    });
  });
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every file or folder under `dir` whose name starts with "pwned": what an injected command would leave. */
export function pwnedFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('pwned')) found.push(join(d, e.name));
      if (e.isDirectory() && e.name !== '.git') walk(join(d, e.name));
    }
  };
  walk(dir);
  return found;
}

/** Waits until `read()` stops growing (the same value twice, 300 ms apart) and returns it. */
export function waitForStall(
  read: () => number,
  timeoutMs = 20_000,
  what = 'output to stall',
): Promise<number> {
  let last = -1;
  return waitFor(
    async () => {
      const n = read();
      const same = n === last;
      last = n;
      await new Promise((r) => setTimeout(r, 300));
      return same && read() === n ? n : undefined;
    },
    timeoutMs,
    what,
  );
}
