// ssh2 costs ~50 ms to load: only commands that actually connect pay for it.
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

const require = createRequire(import.meta.url);
let mod: typeof Ssh2 | undefined;

export function ssh2(): typeof Ssh2 {
  mod ??= require('ssh2') as typeof Ssh2;
  return mod;
}
