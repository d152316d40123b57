#!/usr/bin/env node
// Entry point of the `orchard` command. The CLI is TypeScript run by Node's own type stripping
// (on by default from Node 22.18/23.6); older Node >= 22.12 gets the flag through a re-exec.
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`orchard: Node >= 22.12 is required (this is ${process.version})\n`);
  process.exit(1);
}

if (!process.features.typescript) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', self, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
} else {
  // Cache compiled (and type-stripped) modules between runs: CLI start-up is most of `orchard ls`.
  module.enableCompileCache?.();
  const { main } = await import('../src/cli/main.ts');
  const code = await main(process.argv.slice(2));
  // The command is done: a connection still being attempted to a silent SSH host (it would time
  // out on its own) must not keep the process alive. Exit once stdout and stderr are flushed.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
