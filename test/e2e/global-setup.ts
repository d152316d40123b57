// The e2e tests drive the built renderer served by `orchard web`: build it first, unless the build
// is newer than every source file it is made from (keeps re-runs fast while editing tests).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/env.ts';

const BUILT = join(ROOT, 'out/renderer/index.html');
const SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'];

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

export default function setup(): void {
  const built = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
  const source = Math.max(...SOURCES.map((s) => newest(join(ROOT, s))));
  if (built > source && !process.env.ORCHARD_E2E_REBUILD) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
}
