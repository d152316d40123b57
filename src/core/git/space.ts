// "No space left" named as such: git says "Could not reset index file to revision 'HEAD'" or
// "unable to write file x" when a disk fills, which tells the user nothing about the cause.
import { OrchardError } from '../../shared/errors.ts';
import type { Host } from '../hosts/host.ts';

export function isNoSpace(text: string): boolean {
  return /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/i.test(text);
}

/** git messages that a full disk produces without saying so. */
export function mayBeNoSpace(text: string): boolean {
  return (
    isNoSpace(text) ||
    /unable to write (new index )?file|Could not reset index file|short write|unable to create file|could not write|failed to write/i.test(
      text,
    )
  );
}

export interface FreeSpace {
  mount: string;
  freeBytes: number;
}

/** Free space of the file system holding `path` (or its nearest existing parent), by `df -Pk`. */
export async function freeSpace(host: Host, path: string): Promise<FreeSpace | null> {
  const r = await host.exec([
    'sh',
    '-c',
    'p=$1; while [ ! -e "$p" ] && [ "$p" != / ]; do p=$(dirname -- "$p"); done; df -Pk -- "$p"',
    'orchard-df',
    path,
  ]);
  const line = r.stdout.trim().split('\n')[1];
  if (r.code !== 0 || !line) return null;
  const f = line.trim().split(/\s+/);
  const avail = Number(f[3]);
  if (!Number.isFinite(avail)) return null;
  return { mount: f.slice(5).join(' ') || path, freeBytes: avail * 1024 };
}

export function formatMb(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb < 10 ? mb.toFixed(1) : String(Math.round(mb));
}

/** "no space left on /mnt (1.6 MB free)", with what was needed when known. */
export async function noSpaceError(host: Host, path: string, neededBytes?: number): Promise<OrchardError> {
  const fs = await freeSpace(host, path).catch(() => null);
  const need = neededBytes ? `, about ${formatMb(neededBytes)} MB needed` : '';
  const where = fs ? `${fs.mount} (${formatMb(fs.freeBytes)} MB free${need})` : path;
  return new OrchardError('command-failed', `no space left on ${where}${fs ? '' : ` (on ${host.name})`}`);
}
