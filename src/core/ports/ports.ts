// Which ports sessions listen on: one process snapshot per host (the same the stats use), the
// listeners matched to each session's process tree (src/core/monitor/ports.ts).
import type { SessionPort } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { ListeningPort, RepoConfig } from '../../shared/model.ts';
import type { HostRegistry } from '../hosts/registry.ts';
import { ResourceMonitor } from '../monitor/monitor.ts';

export interface PortsEngine {
  readonly hosts: HostRegistry;
  readonly store: { read(): Promise<{ repos: RepoConfig[] }> };
}

/** Every session's listening ports (one snapshot per host), or one session's. */
export async function listPorts(engine: PortsEngine, id?: string): Promise<SessionPort[]> {
  const monitor = new ResourceMonitor();
  try {
    const stats = await monitor.sample(engine.hosts, (await engine.store.read()).repos);
    const sessions = id === undefined ? stats.sessions : stats.sessions.filter((s) => s.id === id);
    if (id !== undefined && !sessions.length)
      throw new OrchardError('session-not-found', `no running session with id ${id} (see orchard ls)`);
    return sessions
      .flatMap((s) => (s.ports ?? []).map((p): SessionPort => ({ id: s.id, host: s.host, ...p })))
      .sort((a, b) => a.id.localeCompare(b.id) || a.port - b.port);
  } finally {
    monitor.dispose();
  }
}

export async function sessionPorts(engine: PortsEngine, id: string): Promise<ListeningPort[]> {
  return (await listPorts(engine, id)).map(({ port, address, pid, command }) => ({
    port,
    address,
    pid,
    command,
  }));
}
