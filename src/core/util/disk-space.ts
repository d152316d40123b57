// "No space left" that says where: the mount a path lives on and what is free there, so a full disk
// reads as a full disk and not as the syscall that hit it.
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

/** ENOSPC, or EDQUOT (a quota is a full disk for this user). */
export function isNoSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** The mount point holding `path` (longest prefix in /proc/self/mounts); the path itself elsewhere. */
export function mountOf(path: string): string {
  const abs = resolve(path);
  let mounts: string;
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return abs;
  }
  let best = '/';
  for (const line of mounts.split('\n')) {
    // Fields are space separated; spaces inside a mount point are written as \040.
    const point = line
      .split(' ')[1]
      ?.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (!point) continue;
    const inside = abs === point || abs.startsWith(point.endsWith(sep) ? point : point + sep);
    if (inside && point.length > best.length) best = point;
  }
  return best;
}

/** "no space left on /mnt (0 MB free)": free space as an unprivileged writer sees it. */
export async function noSpaceMessage(path: string): Promise<string> {
  const mount = mountOf(path);
  // statfs needs an existing path: walk up from the file to the first one that exists.
  let probe = resolve(path);
  for (;;) {
    try {
      const s = await statfs(probe);
      const mb = Math.floor((Number(s.bavail) * Number(s.bsize)) / (1024 * 1024));
      return `no space left on ${mount} (${mb} MB free)`;
    } catch {
      const up = dirname(probe);
      if (up === probe) return `no space left on ${mount}`;
      probe = up;
    }
  }
}
