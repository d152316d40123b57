// The engine's face: every operation the CLI, the router and the app use. Stateless between calls
// apart from open host connections; sessions and worktrees are read from tmux and git each time.
import { join } from 'node:path';
import type {
  AddHostParams,
  ForgetResult,
  ForwardInfo,
  HostInfo,
  HostKeyCheck,
  HostSummary,
  HostTestResult,
  KillResult,
  ResumeAllResult,
  ResumeResult,
  SessionPort,
  SetLimitsParams,
  SetLimitsResult,
  TrustHostParams,
  TrustHostResult,
} from '../shared/api.ts';
import { OrchardError } from '../shared/errors.ts';
import type { AgentProfile, BranchInfo, RepoConfig, SessionInfo } from '../shared/model.ts';
import { mergeProfiles } from './agents/profiles.ts';
import * as admin from './hosts/admin.ts';
import type { HostRegistry } from './hosts/registry.ts';
import { hostInfo, setSessionLimits } from './limits/limits.ts';
import { PortForwarder } from './ports/forward.ts';
import { listPorts, sessionPorts } from './ports/ports.ts';
import * as repos from './repo-admin.ts';
import { LastSeenSessions } from './ssh/last-seen.ts';
import { killSession, type KillOptions } from './sessions/kill.ts';
import { findSession, listAllSessions } from './sessions/lookup.ts';
import * as pane from './sessions/pane-ops.ts';
import { forgetSession, resumeAll, resumeById } from './sessions/resume-ops.ts';
import { spawnSession, type SpawnsInFlight } from './sessions/spawn-ops.ts';
import type { SpawnOptions } from './sessions/spawn.ts';
import type { Store } from './store/store.ts';
import type { Disposable } from './util/lifecycle.ts';

/** SpawnOptions carry `headless` and `prompt` (src/core/sessions/headless.ts). */
export interface EngineSpawnOptions extends SpawnOptions {
  repo: string;
  agent?: string;
  command?: string;
  /** Skip admission control (the host's memory and disk reserves). */
  force?: boolean;
  /** Start the agent without the repo's setup. */
  skipSetup?: boolean;
  /** Aborted (the CLI on SIGINT/SIGTERM/SIGHUP): the spawn stops and undoes what it made. */
  signal?: AbortSignal;
}

export type { KillOptions };

export type { KillResult };

export class Engine implements Disposable {
  readonly store: Store;
  private readonly spawning: SpawnsInFlight = new Map();
  readonly hosts: HostRegistry;
  /** Sessions last seen on each remote host: listed as "unreachable" while it is down. */
  private readonly lastSeen: LastSeenSessions;

  constructor(store: Store, hosts: HostRegistry) {
    this.store = store;
    this.hosts = hosts;
    this.lastSeen = new LastSeenSessions(join(hosts.home, 'last-seen'));
  }

  // --- Repos (src/core/repo-admin.ts).

  addRepo(path: string, opts: { name?: string; host?: string } = {}): Promise<RepoConfig> {
    return repos.addRepo(this, path, opts);
  }

  async listRepos(): Promise<RepoConfig[]> {
    return (await this.store.read()).repos;
  }

  removeRepo(ref: string): Promise<RepoConfig> {
    return repos.removeRepo(this, ref);
  }

  branches(repoRef: string): Promise<BranchInfo[]> {
    return repos.repoBranches(this, repoRef);
  }

  // --- Agent profiles and sessions.

  async profiles(): Promise<AgentProfile[]> {
    return mergeProfiles((await this.store.read()).profiles);
  }

  async profile(id?: string): Promise<AgentProfile> {
    const config = await this.store.read();
    const wanted = id ?? config.preferences.defaultAgent;
    const p = mergeProfiles(config.profiles).find((x) => x.id === wanted);
    if (!p)
      throw new OrchardError('profile-not-found', `no agent profile named ${wanted} (see orchard profiles)`);
    return p;
  }

  /** Start an agent on a branch; spawns of one branch are serialized (src/core/sessions/spawn-ops.ts). */
  spawn(opts: EngineSpawnOptions): Promise<SessionInfo> {
    return spawnSession(this, this.spawning, opts);
  }

  /** All sessions on all hosts, hosts in parallel; a host that fails does not fail the list. */
  async list(): Promise<SessionInfo[]> {
    return (await this.listAll()).sessions;
  }

  /** Sessions, and the hosts that could not be asked (src/core/sessions/lookup.ts). */
  listAll(): Promise<{ sessions: SessionInfo[]; unreachable: Array<{ host: string; error: string }> }> {
    return listAllSessions(this, this.lastSeen);
  }

  find(id: string): Promise<SessionInfo> {
    return findSession(this, this.lastSeen, id);
  }

  /** Recreate a stopped or exited session's tmux session and agent: its conversation resumed, or fresh. */
  resume(id: string, opts: { fresh?: boolean } = {}): Promise<ResumeResult> {
    return resumeById(this, id, !!opts.fresh);
  }

  /** Resume every stopped session (of one host, or of all). */
  resumeAll(host?: string): Promise<ResumeAllResult> {
    return resumeAll(this, host);
  }

  /** Drop a stopped session's record, leaving its worktree alone. */
  forget(id: string): Promise<ForgetResult> {
    return forgetSession(this, id);
  }

  // --- A session's pane (src/core/sessions/pane-ops.ts): a stopped session is refused.

  /** Type text into the agent; refused in a first-run dialog unless forced. */
  send(id: string, text: string, enter = true, force = false): Promise<void> {
    return pane.sendToSession(this, id, text, enter, force);
  }

  /** Press keys (tmux key names, checked against TMUX_KEY_PATTERN) in the agent's pane. */
  keys(id: string, keys: readonly string[]): Promise<void> {
    return pane.sendKeys(this, id, keys);
  }

  /** The visible screen; for an exited session also the 20 lines above it (its last words). */
  capture(id: string): Promise<string> {
    return pane.captureSession(this, id);
  }

  /** Listening ports of every session (or one), from one process snapshot per host. */
  ports(id?: string): Promise<SessionPort[]> {
    return listPorts(this, id);
  }

  /** Which kind of process this engine serves: forwards it runs are recorded as such. */
  processKind: ForwardInfo['owner'] = 'cli';
  private forwards: PortForwarder | undefined;

  /** Port forwards of SSH sessions' dev servers, run by this process (created on first use). */
  get forwarder(): PortForwarder {
    return (this.forwards ??= new PortForwarder(
      {
        hosts: this.hosts,
        find: (id) => this.find(id),
        list: () => this.list(),
        sessionPorts: (id) => sessionPorts(this, id),
      },
      this.processKind,
    ));
  }

  attachArgv(id: string): Promise<{ host: string; argv: string[] }> {
    return pane.attachArgv(this, id);
  }

  /** Kill a session; with removeWorktree, also the worktree Orchard made for it (clean unless forced). */
  async kill(id: string, opts: KillOptions = {}): Promise<KillResult> {
    const s = await this.find(id);
    const config = await this.store.read();
    return killSession(await this.hosts.get(s.host), s, config.repos, opts);
  }

  // --- Hosts and limits (src/core/hosts/admin.ts): the CLI and the window call the same methods.

  listHosts(): Promise<HostSummary[]> {
    return admin.listHosts(this);
  }

  addHost(p: AddHostParams): Promise<HostSummary> {
    return admin.addHost(this, p);
  }

  removeHost(name: string): Promise<HostSummary> {
    return admin.removeHost(this, name);
  }

  testHost(name: string): Promise<HostTestResult> {
    return admin.testHost(this, name);
  }

  hostKey(name: string): Promise<HostKeyCheck> {
    return admin.hostKey(this, name);
  }

  trustHost(p: TrustHostParams): Promise<TrustHostResult> {
    return admin.trustHost(this, p);
  }

  hostInfo(name: string): Promise<HostInfo> {
    return hostInfo(this, name);
  }

  /** A window's answer to a `passphraseRequest` (src/core/ssh/passphrases.ts). */
  answerPassphrase(id: string, passphrase: string | null, remember: boolean): void {
    admin.sshHosts(this.hosts).passphrases.answer(id, passphrase, remember);
  }

  async setLimits(p: SetLimitsParams): Promise<SetLimitsResult> {
    const tag = await setSessionLimits(this, p.id, p.limits);
    return { id: p.id, backend: tag.backend, memory: tag.memory ?? null, cpu: tag.cpu ?? null };
  }

  dispose(): void {
    this.forwards?.dispose();
    this.hosts.dispose();
  }
}
