// `orchard web` right after `npm install`: the browser UI (out/renderer) is built on first need,
// here rather than in an npm `prepare`/`postinstall` script, because
// - it works whatever the install did: `npm install --ignore-scripts` (a common safety setting),
//   `npm ci` in a CI image, a copied checkout;
// - a build that fails cannot break `npm install`; `orchard web` says what failed instead;
// - after `git pull` the UI is rebuilt when its sources are newer than the build, so the page never
//   speaks an older contract than the server.
// It needs the dev dependencies (electron-vite), which a checkout has; an install without them
// ships a built out/ or gets the server's "not built" page.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrchardError } from '../../shared/errors.ts';

export const CHECKOUT = fileURLToPath(new URL('../../../', import.meta.url));
/** What the renderer build is made from (as test/e2e/global-setup.ts). */
const SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'];
const LOCK_STALE_MS = 10 * 60_000;

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

/** Built, and newer than every source it is made from. */
export function uiFresh(root = CHECKOUT): boolean {
  const index = join(root, 'out/renderer/index.html');
  if (!existsSync(index)) return false;
  return statSync(index).mtimeMs >= Math.max(...SOURCES.map((s) => newest(join(root, s))));
}

/** One build at a time per checkout (two `orchard web` started together): an atomic mkdir. */
async function withLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(root, 'out', '.orchard-ui-build.lock');
  mkdirSync(join(root, 'out'), { recursive: true });
  const until = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      // A build killed half-way (Ctrl-C, SIGKILL) leaves its lock: old enough, it is taken over.
      if (age > LOCK_STALE_MS || Date.now() > until) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function runBuild(root: string, cli: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'build'], {
      cwd: root,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const keep = (d: Buffer) => (log = (log + d.toString('utf8')).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) =>
      reject(new OrchardError('command-failed', `cannot run the UI build: ${e.message}`)),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const tail = log.trim().split('\n').slice(-15).join('\n');
      reject(new OrchardError('command-failed', `building the UI failed (exit ${code}):\n${tail}`));
    });
  });
}

export type UiBuildResult = 'fresh' | 'built' | 'unavailable' | 'disabled';

/**
 * Build out/ when the UI is missing or older than its sources. ORCHARD_WEB_BUILD=0 turns it off
 * (the server then serves what there is, or says the UI is not built).
 */
export async function ensureUiBuilt(
  progress: (line: string) => void,
  root = CHECKOUT,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UiBuildResult> {
  if (env.ORCHARD_WEB_BUILD === '0') return 'disabled';
  if (uiFresh(root)) return 'fresh';
  const cli = join(root, 'node_modules/electron-vite/bin/electron-vite.js');
  if (!existsSync(cli)) return 'unavailable';
  return withLock(root, async () => {
    // Another `orchard web` may have built it while this one waited for the lock.
    if (uiFresh(root)) return 'fresh';
    const started = Date.now();
    progress(
      `orchard web: building the UI (${existsSync(join(root, 'out/renderer')) ? 'its sources changed' : 'first start after install'}; this takes a minute)...\n`,
    );
    await runBuild(root, cli);
    progress(`orchard web: UI built in ${Math.round((Date.now() - started) / 1000)} s\n`);
    return 'built';
  });
}
