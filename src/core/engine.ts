// The engine's face: every operation the CLI, the router and the app use. Stateless between calls
// apart from open host connections; sessions and worktrees are read from tmux and git each time.
import { sendBehaviour, sendText } from './agents/send.ts';
import { join } from 'node:path';
import {
  MAX_KEYS,
  TMUX_KEY_PATTERN,
  type AddHostParams,
  type ForgetResult,
  type ForwardInfo,
  type HostInfo,
  type HostKeyCheck,
  type HostSummary,
  type HostTestResult,
  type KillResult,
  type ResumeAllResult,
  type ResumeResult,
  type SessionPort,
  type SetLimitsParams,
  type SetLimitsResult,
  type TrustHostParams,
  type TrustHostResult,
} from '../shared/api.ts';
import { OrchardError, toErrorValue } from '../shared/errors.ts';
import {
  LOCAL_HOST,
  type AgentProfile,
  type BranchInfo,
  type RepoConfig,
  type SessionInfo,
} from '../shared/model.ts';
import { customCommandProfile, mergeProfiles } from './agents/profiles.ts';
import { Git } from './git/git.ts';
import * as admin from './hosts/admin.ts';
import type { HostRegistry } from './hosts/registry.ts';
import { admit, hostInfo, setSessionLimits } from './limits/limits.ts';
import { resolveRepo, uniqueRepoName } from './repos.ts';
import { PortForwarder } from './ports/forward.ts';
import { listPorts, sessionPorts } from './ports/ports.ts';
import { LastSeenSessions } from './ssh/last-seen.ts';
import { killSession, type KillOptions } from './sessions/kill.ts';
import { judgeScreen } from './status/screen-check.ts';
import { listHostSessions, orchardPanes, paneToSession } from './sessions/list.ts';
import { findBrokenWorktrees, undoPending } from './sessions/broken.ts';
import { acquireSpawnLock, type SpawnLock } from './sessions/lock.ts';
import {
  executeSpawn,
  localBranchName,
  prepareSpawn,
  type SpawnGuards,
  type SpawnOptions,
} from './sessions/spawn.ts';
import type { HostContext } from './hosts/registry.ts';
import { forgetSession, resumeAll, resumeById } from './sessions/resume-ops.ts';
import { readySpawn } from './sessions/setup.ts';
import { sendHeadless } from './sessions/headless.ts';
import type { OrchardConfig, Store } from './store/store.ts';
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

/** Scrollback shown above a dead pane's screen: its error usually scrolled out of view. */
const DEAD_HISTORY_LINES = 20;

/** How long `list` waits for one remote host before showing its sessions as unreachable. */
const HOST_LIST_TIMEOUT_MS = 15_000;

export class Engine implements Disposable {
  readonly store: Store;
  private readonly spawning = new Map<string, Promise<unknown>>();
  readonly hosts: HostRegistry;
  /** Sessions last seen on each remote host: listed as "unreachable" while it is down. */
  private readonly lastSeen: LastSeenSessions;

  constructor(store: Store, hosts: HostRegistry) {
    this.store = store;
    this.hosts = hosts;
    this.lastSeen = new LastSeenSessions(join(hosts.home, 'last-seen'));
  }

  async addRepo(path: string, opts: { name?: string; host?: string } = {}): Promise<RepoConfig> {
    const ref = opts.host && opts.host !== LOCAL_HOST ? `${opts.host}:${path}` : path;
    const config = await this.store.read();
    const found = await resolveRepo({ ...config, repos: [] }, this.hosts, ref);
    const same = (r: RepoConfig) => r.host === found.host && r.path === found.path;
    const already = config.repos.find(same);
    // Registered already: without a name (or with its own) that is the answer; another name
    // renames it (sessions find their repo by host and path, so they follow).
    if (already && (!opts.name || opts.name === already.name)) return already;
    const taken = opts.name ? config.repos.find((r) => r.name === opts.name && !same(r)) : undefined;
    if (taken)
      throw new OrchardError(
        'invalid-argument',
        `a repo named ${opts.name} is already registered (${taken.host}:${taken.path})`,
      );
    const repo: RepoConfig = already
      ? { ...already, name: opts.name! }
      : { ...found, name: opts.name ?? uniqueRepoName(config, found.name) };
    await this.store.update((c) => {
      if (c.repos.some((r) => r.name === repo.name && !same(r)))
        throw new OrchardError('invalid-argument', `a repo named ${repo.name} is already registered`);
      const i = c.repos.findIndex(same);
      if (i >= 0) c.repos[i] = { ...c.repos[i]!, name: repo.name };
      else c.repos.push(repo);
    });
    return repo;
  }

  async listRepos(): Promise<RepoConfig[]> {
    return (await this.store.read()).repos;
  }

  async removeRepo(ref: string): Promise<RepoConfig> {
    const config = await this.store.read();
    const repo = config.repos.find((r) => r.name === ref) ?? (await resolveRepo(config, this.hosts, ref));
    if (!config.repos.some((r) => r.name === repo.name && r.path === repo.path))
      throw new OrchardError('repo-not-found', `not a registered repo: ${ref}`);
    await this.store.update((c) => {
      c.repos = c.repos.filter((r) => !(r.name === repo.name && r.host === repo.host));
    });
    return repo;
  }

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

  async branches(repoRef: string): Promise<BranchInfo[]> {
    const config = await this.store.read();
    const repo = await resolveRepo(config, this.hosts, repoRef);
    const ctx = await this.hosts.get(repo.host);
    const panes = await ctx.tmux.listPanes();
    const [branches, broken] = await Promise.all([
      new Git(ctx.host, repo.path).branches(),
      findBrokenWorktrees(ctx, repo.path, {
        panes,
        ...(repo.worktreeRoot ? { worktreeRoot: repo.worktreeRoot } : {}),
      }),
    ]);
    const sessions = orchardPanes(panes).filter((p) => p['@orchard_repo_path'] === repo.path);
    for (const b of branches) {
      if (b.kind !== 'local') continue;
      const s = sessions.find((p) => (b.worktree ? p['@orchard_worktree'] === b.worktree : false));
      b.sessionId = s ? s['@orchard_id'] : null;
      const bad = broken.find((x) => x.branch === b.name);
      if (bad) {
        b.worktree ??= bad.path;
        b.broken = bad.reason;
      }
    }
    return branches;
  }

  /**
   * Spawns of one branch are serialized: in this process by a promise chain (a double-click, two
   * drops), across processes by a lock on the session's host (the app and `orchard web`, two CLIs).
   * The second sees the first's session and is refused instead of starting a second agent.
   */
  async spawn(opts: EngineSpawnOptions): Promise<SessionInfo> {
    const config = await this.store.read();
    const repo = await resolveRepo(config, this.hosts, opts.repo);
    const key = `${repo.host}\0${repo.path}\0${opts.branch}`;
    const run = (this.spawning.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.spawnLocked(config, repo, opts));
    this.spawning.set(key, run);
    try {
      return await run;
    } finally {
      if (this.spawning.get(key) === run) this.spawning.delete(key);
    }
  }

  /**
   * Work that changes a repo's worktree records, one spawn at a time across processes. Not
   * abortable: a rollback after an interruption runs through here too.
   */
  private async exclusive<T>(ctx: HostContext, repoPath: string, fn: () => Promise<T>): Promise<T> {
    const lock = await acquireSpawnLock(ctx, { repoPath });
    try {
      return await fn();
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  private async spawnLocked(
    config: OrchardConfig,
    repo: RepoConfig,
    opts: EngineSpawnOptions,
  ): Promise<SessionInfo> {
    const profile =
      opts.command !== undefined ? customCommandProfile(opts.command) : await this.profile(opts.agent);
    const ctx = await this.hosts.get(repo.host);
    const branch = localBranchName(await new Git(ctx.host, repo.path).branchRefs(), opts);
    const signal = opts.signal;
    const lock = await acquireSpawnLock(ctx, { repoPath: repo.path, branch, ...(signal ? { signal } : {}) });
    const guards: SpawnGuards = {
      mark: (p) => lock.update(p),
      exclusive: (fn) => this.exclusive(ctx, repo.path, fn),
      ...(signal ? { signal } : {}),
    };
    let keep = false;
    try {
      await this.finishInherited(ctx, repo, lock, guards);
      // Admission and planning are independent reads; nothing is made until both pass.
      const [, prepared] = await Promise.all([
        admit(ctx, profile, config.preferences, opts.force),
        prepareSpawn(ctx, repo, profile, { ...opts, localBranch: branch }, guards),
      ]);
      // A new worktree: disk reserve, trusted setup, .worktreeinclude copy (src/core/sessions/setup.ts).
      await readySpawn(ctx, repo, prepared, config.preferences, opts);
      const made = await executeSpawn(prepared, guards);
      return paneToSession(made.pane, ctx.host.name, config.repos, Date.now());
    } catch (e) {
      // A rollback that failed leaves the record: the next spawn of this branch finishes the undo.
      keep = (e as { rollbackFailed?: boolean } | null)?.rollbackFailed === true;
      throw e;
    } finally {
      await (keep ? lock.abandon() : lock.release()).catch(() => undefined);
    }
  }

  /** Undo what a dead spawn of this branch left (its lock was taken over with its record). */
  private async finishInherited(
    ctx: HostContext,
    repo: RepoConfig,
    lock: SpawnLock,
    guards: SpawnGuards,
  ): Promise<void> {
    if (!lock.record.inherited?.length) return;
    try {
      await guards.exclusive(() => undoPending(ctx, repo, lock.record));
    } catch (e) {
      throw Object.assign(
        new OrchardError(
          'command-failed',
          `an interrupted spawn of ${lock.record.branch} left a worktree that could not be removed: ${toErrorValue(e).message}`,
        ),
        { rollbackFailed: true },
      );
    }
    await lock.update({ inherited: [] });
  }

  /** All sessions on all hosts, hosts in parallel; a host that fails does not fail the list. */
  async list(): Promise<SessionInfo[]> {
    return (await this.listAll()).sessions;
  }

  /**
   * Sessions, and the hosts that could not be asked (their last-seen sessions are listed as
   * unreachable). Throws only when no host answered at all, with the first host's own error.
   */
  async listAll(): Promise<{ sessions: SessionInfo[]; unreachable: Array<{ host: string; error: string }> }> {
    const config = await this.store.read();
    const names = await this.hosts.names();
    const perHost = await Promise.all(names.map((name) => this.hostSessions(name, config.repos, true)));
    const failed = perHost.filter((h) => h.error !== undefined);
    if (failed.length === perHost.length && failed[0]?.cause) throw failed[0].cause;
    return {
      sessions: perHost.flatMap((h) => h.sessions).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      unreachable: names.flatMap((host, i) =>
        perHost[i]!.error ? [{ host, error: perHost[i]!.error! }] : [],
      ),
    };
  }

  /**
   * One host's sessions. A remote host that is down (or refused: key, auth, tools) yields the
   * sessions last seen there as "unreachable", within a time limit, so one host never stalls the rest.
   */
  private async hostSessions(
    name: string,
    repos: readonly RepoConfig[],
    withGit: boolean,
  ): Promise<{ sessions: SessionInfo[]; error?: string; cause?: unknown }> {
    const read = async () => listHostSessions(await this.hosts.get(name), repos, Date.now(), withGit);
    if (name === LOCAL_HOST) {
      // This machine is one host among others: no tmux here must not hide the remote sessions.
      try {
        const sessions = await read();
        this.hosts.noteContact(name);
        return { sessions };
      } catch (e) {
        this.hosts.noteContact(name, e);
        return { sessions: [], error: toErrorValue(e).message, cause: e };
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new OrchardError(
              'host-unreachable',
              `${name} did not answer within ${HOST_LIST_TIMEOUT_MS / 1000}s`,
            ),
          ),
        HOST_LIST_TIMEOUT_MS,
      );
    });
    try {
      const sessions = await Promise.race([read(), timeout]);
      this.hosts.noteContact(name);
      if (withGit) await this.lastSeen.set(name, sessions);
      return { sessions };
    } catch (e) {
      this.hosts.noteContact(name, e);
      const error = toErrorValue(e).message;
      const known = await this.lastSeen.get(name);
      return {
        sessions: known.map((s) => ({
          ...s,
          state: 'unreachable' as const,
          reason: 'host unreachable',
          detail: error,
          pid: null,
        })),
        error,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async find(id: string): Promise<SessionInfo> {
    if (!/^[0-9a-f]{1,64}$/i.test(id))
      throw new OrchardError('session-not-found', `no session with id ${JSON.stringify(id)}`);
    const config = await this.store.read();
    const names = await this.hosts.names();
    // Answer as soon as a reachable host has it: a silent remote host must not delay a local session.
    const lookups = names.map((name) => this.hostSessions(name, config.repos, false));
    const live = await new Promise<SessionInfo | undefined>((resolve) => {
      let pending = lookups.length;
      for (const l of lookups)
        void l.then(
          (h) => {
            const hit = h.sessions.find((x) => x.id === id && x.state !== 'unreachable');
            if (hit) resolve(hit);
            if (--pending === 0) resolve(undefined);
          },
          () => --pending === 0 && resolve(undefined),
        );
    });
    if (live) return live;
    const perHost = await Promise.all(lookups);
    const s = perHost.flatMap((h) => h.sessions).find((x) => x.id === id);
    if (s?.state === 'unreachable')
      throw new OrchardError(
        'host-unreachable',
        `session ${id} is on ${s.host}, which is unreachable: ${s.detail}`,
      );
    if (s) return s;
    const down = names.flatMap((n, i) => (perHost[i]!.error ? [`${n} (${perHost[i]!.error})`] : []));
    throw new OrchardError(
      'session-not-found',
      `no session with id ${id} (see orchard ls)` +
        (down.length ? `; unreachable hosts: ${down.join(', ')}` : ''),
    );
  }

  /** A session with a tmux session: a stopped one (record only) is refused with what to do. */
  private async live(id: string): Promise<SessionInfo> {
    const s = await this.find(id);
    if (s.state === 'stopped')
      throw new OrchardError(
        'invalid-argument',
        `session ${id} is stopped (its tmux session is gone); bring it back with orchard resume ${id}`,
      );
    return s;
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

  /**
   * Type text into the agent. Refused in a first-run dialog (waiting(setup)) unless forced: the
   * text would answer the dialog ("No, exit" is often the highlighted choice) and be lost. The
   * screen is looked at too (one capture), so the refusal holds where no monitor has judged it yet.
   */
  async send(id: string, text: string, enter = true, force = false): Promise<void> {
    const s = await this.live(id);
    // A headless session takes JSON messages through its pipe, not keystrokes.
    if (s.headless) return sendHeadless(await this.hosts.get(s.host), s, text);
    if (s.state === 'exited')
      throw new OrchardError('invalid-argument', `session ${id} has exited; it cannot take input`);
    const tmux = (await this.hosts.get(s.host)).tmux;
    if (!force) {
      const dialog =
        s.state === 'waiting' && s.reason === 'setup' ? (s.detail ?? '') : await this.setupDialog(s);
      if (dialog !== undefined)
        throw new OrchardError(
          'invalid-argument',
          `session ${id} shows a first-run dialog${dialog ? ` (${dialog})` : ''}: text would answer it. ` +
            `Answer it with orchard keys ${id} <key>... or orchard attach ${id}, or send with --force`,
        );
    }
    // The profile's submit key and delay (Gemini CLI drops an Enter in the same write as a paste).
    const profile = (await this.profiles()).find((p) => p.id === s.agent);
    await sendText(tmux, s.paneId, text, enter, sendBehaviour(profile));
  }

  /** The question of the first-run dialog on the session's screen, if one is there. */
  private async setupDialog(s: SessionInfo): Promise<string | undefined> {
    const tmux = (await this.hosts.get(s.host)).tmux;
    const [screen, profiles] = await Promise.all([tmux.capture(s.paneId), this.profiles()]);
    const profile = profiles.find((p) => p.id === s.agent) ?? customCommandProfile('');
    const v = judgeScreen(screen, profile);
    return v.state === 'waiting' && v.reason === 'setup' ? (v.detail ?? '') : undefined;
  }

  /** Press keys (tmux key names, checked against TMUX_KEY_PATTERN) in the agent's pane. */
  async keys(id: string, keys: readonly string[]): Promise<void> {
    const bad = keys.find((k) => !TMUX_KEY_PATTERN.test(k));
    if (bad !== undefined || keys.length === 0 || keys.length > MAX_KEYS)
      throw new OrchardError(
        'invalid-argument',
        bad !== undefined
          ? `not a key name: ${JSON.stringify(bad)} (Escape, Enter, Up, Down, Tab, BTab, Space, C-c, F1, a character…)`
          : `give 1 to ${MAX_KEYS} keys`,
      );
    const s = await this.find(id);
    if (s.state === 'exited')
      throw new OrchardError('invalid-argument', `session ${id} has exited; it cannot take keys`);
    await (await this.hosts.get(s.host)).tmux.sendKeys(s.paneId, keys);
  }

  /** The visible screen; for an exited session also the 20 lines above it (its last words). */
  async capture(id: string): Promise<string> {
    const s = await this.live(id);
    const tmux = (await this.hosts.get(s.host)).tmux;
    return tmux.capture(s.paneId, false, s.state === 'exited' ? DEAD_HISTORY_LINES : 0);
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

  async attachArgv(id: string): Promise<{ host: string; argv: string[] }> {
    const s = await this.live(id);
    return { host: s.host, argv: (await this.hosts.get(s.host)).tmux.attachArgv(s.tmuxSession) };
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
