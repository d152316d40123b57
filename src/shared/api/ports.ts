// The contract, ports and forwards. Part of src/shared/api.ts (the barrel).
import type { HostName, ListeningPort } from '../model.ts';

// Ports and forwards (dev servers of agents) -----------------------------------------------------

/** A port a session listens on. */
export interface SessionPort extends ListeningPort {
  id: string;
  host: HostName;
}

export interface ForwardInfo {
  sessionId: string;
  host: HostName;
  remotePort: number;
  remoteAddress: string;
  /** The port on this machine's 127.0.0.1 (= remotePort for a local session: nothing forwarded). */
  localPort: number;
  url: string;
  /** A local session's port: reached directly, no forward runs. */
  direct: boolean;
  /** Which kind of Orchard process runs the forward, and its pid. */
  owner: 'cli' | 'web' | 'app';
  pid: number;
  startedAt: string;
  /** Connections open through it now. */
  connections: number;
}

export interface ForwardStartParams {
  id: string;
  port: number;
  localPort?: number;
}
