// One host's status, at one cadence owned here. tmux pushes through a pair of control-mode clients
// (control-link.ts): a session coming or going, or any state change, wakes ONE list-panes.
// Around that: a screen tick for the sessions that need a screen check (screen-pass.ts), a slow
// tick for soft limits, listening ports (a process snapshot) and time-based states, `git worktree list` only when the set of sessions
// changed (and once a minute), and a safety re-list every few seconds, all through the client.
// Where control mode is unavailable: list-panes polling. With no server: a cheap probe (the socket
// locally, one list-panes over SSH) every few seconds, never a storm of tmux processes.
import { LOCAL_HOST, type AgentProfile, type RepoConfig, type SessionInfo } from '../../shared/model.ts';
import { mergeProfiles } from '../agents/profiles.ts';
import type { HostContext } from '../hosts/registry.ts';
import { listPanesWithin, type HostSample } from '../monitor/monitor.ts';
import type { LastSeenSessions } from '../ssh/last-seen.ts';
import type { OrchardConfig } from '../store/store.ts';
import { ControlExit, localServerAlive } from '../tmux/control.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { Emitter, type Disposable } from '../util/lifecycle.ts';
import { Rerun } from '../util/rerun.ts';
import { Timers } from '../util/timers.ts';
import {
  monitorDefaults,
  type HostMonitorOptions,
  asUnreachable,
  SERVER_EXITED,
  sessionsFromPanes,
  steadyError,
  worktreeBranches,
} from './host-sessions.ts';
import { ControlLink } from './control-link.ts';
import { execChannel, type PaneChannel } from './pane-channel.ts';
import { HostSnapshots } from './host-snapshots.ts';
import { OfflineSessions } from './offline-sessions.ts';
import { ScreenPass } from './screen-pass.ts';

export type { HostMonitorOptions };
export type MonitorMode = 'starting' | 'control' | 'polling' | 'no-server' | 'unreachable';

export interface HostMonitorDeps {
  name: string;
  context(): Promise<HostContext>;
  config(): Promise<OrchardConfig>;
  /** Remote hosts: the sessions last seen there, shown as unreachable while it is down. */
  lastSeen?: LastSeenSessions;
  log?(message: string): void;
  /** How the last contact with the host went (the sidebar's reachable / unreachable badge). */
  noteContact?(error?: unknown): void;
}

export { SERVER_EXITED };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class HostMonitor implements Disposable {
  readonly name: string;
  private readonly sessionsEmitter = new Emitter<SessionInfo[]>();
  /** This host's sessions, each time something a user sees changed. */
  readonly onDidChangeSessions = this.sessionsEmitter.event;

  private modeNow: MonitorMode = 'starting';
  private ctx: HostContext | undefined;
  private link: ControlLink | undefined;
  private channel: PaneChannel | undefined;
  private panes: PaneRecord[] = [];
  private repos: RepoConfig[] = [];
  private profiles: AgentProfile[] = [];
  private list: SessionInfo[] | undefined;
  private published = '';
  private readonly offline: OfflineSessions;
  private exitReason = '';
  private lastError = '';
  private controlFailures = 0;
  private controlBroken = false;
  private branches = new Map<string, string>();
  private setKey = '';
  private gitAt = 0;
  private listedAt = 0;
  private connecting = false;
  private readonly snapshots: HostSnapshots;
  private readonly screens = new ScreenPass();
  private readonly timers = new Timers((name, e) =>
    this.deps.log?.(`${this.name}: ${name} tick failed: ${message(e)}`),
  );
  private attachedAt = 0;
  private disposed = false;
  private readonly deps: HostMonitorDeps;
  private readonly opts: Required<HostMonitorOptions>;

  constructor(deps: HostMonitorDeps, opts: HostMonitorOptions = {}) {
    this.deps = deps;
    this.name = deps.name;
    this.snapshots = new HostSnapshots(deps.name, (m) => deps.log?.(m), {
      input: () => ({
        ctx: this.modeNow === 'unreachable' ? undefined : this.ctx,
        error: this.lastError || 'not connected yet',
        panes: this.panes,
        paths: this.repos.filter((r) => r.host === this.name).map((r) => r.path),
        ...(this.channel ? { writer: this.channel } : {}),
      }),
      killed: () => void this.relist(),
      portsChanged: () => this.derive(),
    });
    this.opts = { ...monitorDefaults(deps.name === LOCAL_HOST), ...opts };
    this.offline = new OfflineSessions(deps.name, (m) => deps.log?.(m), {
      live: () => sessionsFromPanes(this.panes, this.name, this.repos, this.branches, Date.now()),
      repos: () => this.repos,
    });
  }

  get mode(): MonitorMode {
    return this.modeNow;
  }

  /** The host's sessions as last published; undefined until the host first answered (or failed). */
  get sessions(): SessionInfo[] | undefined {
    return this.list;
  }

  start(): this {
    if (this.disposed) return this;
    void this.connect();
    this.timers.every('slow', this.opts.slowMs, () => this.slowTick());
    return this;
  }

  /**
   * This session is being killed on purpose: when the server then exits with it (the last one, or
   * "stop all" killing several at once), it is not "stopped by a server exit".
   */
  expectGone(id: string): void {
    this.offline.expectGone(id);
  }

  /** Something changed sessions here (a spawn, a kill): look now rather than at the next event. */
  refresh(): void {
    if (this.disposed) return;
    // A spawn, kill, resume or forget: read git and the records again with the next list.
    this.setKey = '';
    this.offline.dirty = true;
    if (this.modeNow === 'control' || this.modeNow === 'polling') void this.relist();
    else void this.connect();
  }

  // ---- connection ------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (this.disposed || this.connecting || this.modeNow === 'control' || this.modeNow === 'polling') return;
    this.connecting = true;
    this.timers.clear('probe');
    try {
      const ctx = (this.ctx ??= await this.deps.context());
      if (this.controlBroken) return this.startPolling(ctx);
      if (!(await this.serverUp(ctx))) return this.noServer();
      await this.attach(ctx);
    } catch (e) {
      this.failed(e);
    } finally {
      this.connecting = false;
    }
  }

  /** Locally a connect() on the socket (no process); over SSH one list-panes, which also lists. */
  private async serverUp(ctx: HostContext): Promise<boolean> {
    if (this.name === LOCAL_HOST) return localServerAlive(ctx.tmux.socket);
    const panes = await listPanesWithin(ctx);
    if (panes.length) {
      this.modeNow = 'starting';
      await this.take(panes);
    }
    return panes.length > 0;
  }

  private async attach(ctx: HostContext): Promise<void> {
    const link = await ControlLink.open(ctx);
    if (this.disposed) return link.dispose();
    this.link = link;
    this.channel = link.channel;
    this.modeNow = 'control';
    this.attachedAt = Date.now();
    await link.listen(
      () => void this.relist(),
      (e) => this.lost(link, e),
    );
    this.timers.every('screen', this.opts.screenMs, () => this.screenTick());
    await this.relist();
    this.controlFailures = 0;
  }

  private lost(link: ControlLink, e: ControlExit): void {
    if (link !== this.link) return;
    this.exitReason = e.message;
    this.dropControl();
    this.modeNow = 'starting';
    this.ctx = undefined; // ask the registry again: the host may have been re-addressed
    // At once: the session we were attached to may be gone while others remain. A client that
    // dies as soon as it started counts as a failure, so a broken tmux cannot make a loop of it.
    if (Date.now() - this.attachedAt < 1000) {
      this.controlFailures++;
      this.timers.after('probe', this.opts.probeMs * this.controlFailures, () => this.connect());
    } else void this.connect();
  }

  private dropControl(): void {
    const { link } = this;
    this.link = this.channel = undefined;
    this.timers.stop('screen');
    this.timers.clear('recheck');
    link?.dispose();
  }

  private startPolling(ctx: HostContext): void {
    this.modeNow = 'polling';
    this.channel = execChannel(ctx);
    this.timers.every('poll', this.opts.pollMs, () => this.relist());
    void this.relist();
  }

  private failed(e: unknown): void {
    if (this.disposed) return;
    this.dropControl();
    if (e instanceof ControlExit && e.noSessions) return this.noServer();
    if (this.name !== LOCAL_HOST && !(e instanceof ControlExit)) return this.unreachable(message(e));
    // Control mode itself does not work here (tmux too old, no pty…): poll instead, and say so once.
    this.controlFailures++;
    if (this.controlFailures >= 5) {
      this.controlBroken = true;
      this.deps.log?.(
        `${this.name}: tmux control mode unavailable (${message(e)}); polling list-panes instead`,
      );
    }
    this.modeNow = 'starting';
    this.timers.after('probe', this.opts.probeMs * this.controlFailures, () => this.connect());
  }

  private noServer(): void {
    this.offline.serverExited(this.panes, this.list, this.exitReason);
    this.exitReason = '';
    this.panes = [];
    // Entering no-server (the server just died, or none after a reboot): the records are what is left.
    const entering = this.modeNow !== 'no-server';
    this.modeNow = 'no-server';
    this.deps.noteContact?.(); // the host answered: it just runs no tmux server
    this.publish(this.offline.around([]));
    // After a reboot no server runs, and the records are all there is: read them once now.
    if (this.offline.dirty || entering) {
      this.setKey = '';
      void this.refreshRecords().then(() => {
        if (this.modeNow === 'no-server') this.publish(this.offline.around([]));
      });
    }
    this.timers.after('probe', this.opts.probeMs, () => this.connect());
  }

  /** The records' stopped sessions (one read: fs here, one exec over SSH), refreshed on changes. */
  private async refreshRecords(): Promise<void> {
    const ctx = this.ctx ?? (await this.deps.context().catch(() => undefined));
    if (ctx) await this.offline.refresh(ctx);
  }

  private unreachable(error: string): void {
    this.deps.noteContact?.(new Error(error));
    this.modeNow = 'unreachable';
    this.controlFailures = 0; // what failed was the host, not control mode
    this.ctx = undefined;
    this.lastError = steadyError(error);
    void (async () => {
      const known = this.list?.length ? this.list : ((await this.deps.lastSeen?.get(this.name)) ?? []);
      this.publish(asUnreachable(known, this.lastError));
    })();
    this.timers.after('probe', this.opts.retryMs, () => this.connect());
  }

  // ---- the session list ------------------------------------------------------------------

  /** One list-panes (coalesced: a request during a list lists once more right after it). */
  private relist(): Promise<void> {
    return this.lister.run().catch((e: unknown) => {
      // A dead client is handled by lost(); a polling failure over SSH means the host is down.
      if (this.modeNow === 'polling' && this.name !== LOCAL_HOST) {
        this.timers.stop('poll');
        this.channel = undefined;
        this.unreachable(message(e));
      } else if (this.modeNow === 'polling')
        this.deps.log?.(`${this.name}: listing sessions failed: ${message(e)}`);
    });
  }

  private readonly lister = new Rerun(async () => {
    const ch = this.channel;
    if (ch && !this.disposed) await this.take(await ch.listPanes());
  });

  private async take(panes: PaneRecord[]): Promise<void> {
    this.listedAt = Date.now();
    this.deps.noteContact?.();
    this.panes = panes;
    if (panes.length) this.offline.serverBack();
    const config = await this.deps.config();
    this.repos = config.repos;
    this.profiles = mergeProfiles(config.profiles);
    const key = panes.map((p) => `${p['@orchard_id']}\0${p['@orchard_worktree']}`).join('\n');
    if (key !== this.setKey) {
      this.setKey = key;
      await this.refreshGit();
      await this.refreshRecords();
    }
    this.derive();
    if (this.deps.lastSeen && this.list) await this.deps.lastSeen.set(this.name, this.list);
  }

  private async refreshGit(): Promise<void> {
    if (!this.ctx) return;
    this.gitAt = Date.now();
    this.branches = await worktreeBranches(this.ctx.host, this.panes);
  }

  /** Sessions from the panes as of now (some states are time-based: starting, unconfirmed). */
  private derive(): void {
    if (this.modeNow !== 'control' && this.modeNow !== 'polling' && this.modeNow !== 'starting') return;
    const list = sessionsFromPanes(this.panes, this.name, this.repos, this.branches, Date.now());
    this.snapshots.annotate(list);
    this.publish(this.offline.around(list));
  }

  private publish(list: SessionInfo[]): void {
    const json = JSON.stringify(list);
    if (json === this.published && this.list) return;
    this.published = json;
    this.list = list;
    this.sessionsEmitter.fire(list);
  }

  // ---- ticks -----------------------------------------------------------------------------

  private async slowTick(): Promise<void> {
    if (this.modeNow === 'control' || this.modeNow === 'polling') {
      this.derive();
      if (this.modeNow === 'control' && Date.now() - this.listedAt >= this.opts.relistMs) void this.relist();
      if (this.panes.length && Date.now() - this.gitAt >= this.opts.gitMs) {
        await this.refreshGit();
        await this.refreshRecords();
        this.derive();
      }
      if (this.modeNow === 'polling') await this.screenTick();
    }
    if (this.snapshots.due(this.panes, this.opts.portsMs)) await this.sample();
  }

  private async screenTick(): Promise<void> {
    const ch = this.channel;
    if (!ch || !this.screens.needy(this.panes, this.profiles, Date.now()).length) return;
    try {
      const r = await this.screens.run(ch, this.panes, this.profiles, Date.now());
      if (r.wrote) void this.relist();
      if (r.recheck && this.modeNow === 'control')
        this.timers.after('recheck', this.opts.recheckMs, () => this.screenTick());
    } catch (e) {
      if (this.channel === ch) this.deps.log?.(`${this.name}: screen check failed: ${message(e)}`);
    }
  }

  /** A process snapshot of the host (shared: at most one a second), with soft limits enforced. */
  sample(): Promise<HostSample> {
    return this.snapshots.sample();
  }

  dispose(): void {
    this.disposed = true;
    this.timers.dispose();
    this.dropControl();
    this.snapshots.dispose();
    this.sessionsEmitter.dispose();
  }
}
