// The one atomic file write of Orchard's own files (config, last-seen cache, files on the local
// host): a temp file beside the target, then rename, so readers (other processes too) see the old
// file or the new one, never half of one. On failure the temp file is removed and a full disk is
// named as such, with the file that could not be written.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import { isNoSpace, noSpaceMessage } from './disk-space.ts';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644). */
  mode?: number;
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(file);
  // Hidden and named after its target: a leftover (power cut) says whose it was.
  const tmp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data, { mode: opts.mode ?? 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    if (isNoSpace(e))
      throw new OrchardError('command-failed', `${await noSpaceMessage(file)} writing ${file}`);
    // Node names the temp file in its message; the user needs the file Orchard was writing.
    const err = e as NodeJS.ErrnoException;
    const why = err.code ? (err.message.split(',')[0] ?? err.code) : err.message;
    throw new OrchardError('command-failed', `cannot write ${file}: ${why}`);
  }
}
