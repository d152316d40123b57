// Configuration only (repos, hosts, profiles, preferences): the truth about sessions lives in tmux
// and git. A JSON-file adapter (CLI, tests, browser server); the app plugs in electron-store.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentProfile, Preferences, RepoConfig } from '../../shared/model.ts';

export interface HostConfig {
  name: string;
  /** user@host[:port]; absent: `name` is an ssh config alias. */
  ssh?: string;
  identity?: string;
  /** tmux socket name on that host, when not the default (tests on loopback SSH need their own). */
  tmuxSocket?: string;
}

/** A host key the user trusted in Orchard (`orchard host trust`), beside ~/.ssh/known_hosts. */
export interface TrustedHostKey {
  /** As known_hosts names it: `host`, or `[host]:port` on a port other than 22. */
  host: string;
  keyType: string;
  /** base64 of the public key blob. */
  key: string;
  fingerprint: string;
  addedAt: string;
}

export interface OrchardConfig {
  version: 1;
  repos: RepoConfig[];
  hosts: HostConfig[];
  /** Overrides and additions to the built-in agent profiles, by id. */
  profiles: AgentProfile[];
  preferences: Preferences;
  /** Host keys trusted through Orchard; never replaced automatically. */
  trustedHostKeys?: TrustedHostKey[];
}

export function defaultConfig(): OrchardConfig {
  return { version: 1, repos: [], hosts: [], profiles: [], preferences: { defaultAgent: 'claude' } };
}

export interface Store {
  read(): Promise<OrchardConfig>;
  /** Read-modify-write; the new config is persisted atomically. */
  update(fn: (c: OrchardConfig) => OrchardConfig | void): Promise<OrchardConfig>;
}

/** Where Orchard keeps its files: ORCHARD_HOME, else the platform's config dir for "Orchard" (as Electron's userData). */
export function orchardHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.ORCHARD_HOME) return env.ORCHARD_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Orchard');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Orchard');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Orchard');
}
