// electron-builder afterPack hook: make every node-pty spawn-helper in the packed app executable.
// node-pty on macOS forks through this helper; without the x bit every pty fails with EACCES.
import { chmod, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (entry.isFile()) yield p;
  }
}

/** Returns the helpers it fixed (for the log and for tests). */
export async function makeSpawnHelpersExecutable(root) {
  const fixed = [];
  for await (const file of walk(root)) {
    if (!file.endsWith('/spawn-helper') && !file.endsWith('\\spawn-helper')) continue;
    if (!file.includes('app.asar.unpacked')) continue;
    const mode = (await stat(file)).mode;
    await chmod(file, mode | 0o755);
    fixed.push(file);
  }
  return fixed;
}

export default async function afterPack(context) {
  const fixed = await makeSpawnHelpersExecutable(context.appOutDir);
  for (const f of fixed) console.log(`  • spawn-helper made executable: ${f}`);
}
