// Listening ports of a session: the TCP sockets in LISTEN state (from the host's snapshot) held by
// processes of the session's tree. Nothing per session is forked: remotely the snapshot script
// already carries every process's socket inodes; locally only the tree's /proc/<pid>/fd are read,
// and only when something on the host listens at all.
import type { ListeningPort } from '../../shared/model.ts';
import { readFile } from 'node:fs/promises';
import { commandLabel } from './parse.ts';
import { localSocketLinks, type RawSnapshot } from './snapshot.ts';

/** The command line of a process (NULs as spaces): from the snapshot (remote), else /proc (local). */
async function cmdline(snap: RawSnapshot, pid: number): Promise<string> {
  if (snap.cmdlines) return snap.cmdlines.get(pid) ?? '';
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
}

export async function listeningPorts(snap: RawSnapshot, pids: readonly number[]): Promise<ListeningPort[]> {
  if (!snap.listeners?.size || !pids.length) return [];
  const sockets = snap.sockets ?? (await localSocketLinks(pids));
  const seen = new Set<string>();
  const out: ListeningPort[] = [];
  for (const pid of pids)
    for (const inode of sockets.get(pid) ?? []) {
      const l = snap.listeners.get(inode);
      if (!l) continue;
      const key = `${l.address}\0${l.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const comm = snap.procs.get(pid)?.comm ?? '';
      out.push({
        port: l.port,
        address: l.address,
        pid,
        command: commandLabel(await cmdline(snap, pid), comm),
      });
    }
  return out.sort((a, b) => a.port - b.port || a.address.localeCompare(b.address));
}

/** Where to connect to reach a listener from its own host: a wildcard address means loopback. */
export function connectAddress(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '::1';
  return address;
}
