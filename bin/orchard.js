#!/usr/bin/env node
// Entry point of the `orchard` command. The CLI is TypeScript run by Node's own type stripping
// (on by default from Node 22.18/23.6); older Node >= 22.12 gets the flag through a re-exec.
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// No JIT job that allocates on the V8 heap off the main thread may be running when the process
// ends: such a job can wait for a garbage collection only the main thread runs, while the main
// thread, ending the process, waits for the job, and the process hangs forever, whether it ends by
// process.exit() (NodePlatform::Shutdown) or by running out of work (NodePlatform::DrainTasks):
// nodejs/node#54918. Caught in gdb here: concurrent Sparkplug (BaselineCompiler::Build) and Maglev
// building its code in the background (MaglevCodeGenerator). Sparkplug compiles on the main thread
// from the start (free: it is cheap); Maglev is turned off at the end (off from the start it costs
// ~30 ms of CPU per run), and the loop then stays up DRAIN_MS, serving any GC a job still in flight
// asks for, before it ends. Both flags are read per compile, so setting them at run time takes.
// Measured on a busy script (about 1 hang in 250 runs without): none in 1,600 runs like this.
v8.setFlagsFromString('--no-concurrent-sparkplug');
const DRAIN_MS = 25;

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`orchard: Node >= 22.12 is required (this is ${process.version})\n`);
  process.exit(1);
}

/**
 * End the process by letting the event loop run dry rather than by process.exit(), which skips the
 * isolate's orderly teardown. main() has disposed the engine; if something still holds the loop
 * after a moment (a connection attempt to a silent SSH host, which would time out on its own), its
 * handles are unref'd so the loop ends anyway; process.exit() stays only as the last resort.
 */
function finish(code) {
  v8.setFlagsFromString('--no-maglev');
  process.exitCode = code;
  setTimeout(() => {}, DRAIN_MS);
  setTimeout(() => {
    for (const h of process._getActiveHandles?.() ?? []) h.unref?.();
    setTimeout(() => process.exit(code), 5000).unref();
  }, 250).unref();
}

if (!process.features.typescript) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', self, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  finish(r.status ?? 1);
} else {
  // Cache compiled (and type-stripped) modules between runs: CLI start-up is most of `orchard ls`.
  module.enableCompileCache?.();
  const { main } = await import('../src/cli/main.ts');
  finish(await main(process.argv.slice(2)));
}
