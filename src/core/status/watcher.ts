// The status watcher: per host per tick ONE `tmux list-panes -a` carries every session's state
// (hooks, pane death, screen verdicts); transitions become typed events. For sessions without hook
// state only, every `screenEveryTicks` ticks, the visible screens of all of them on a host are read
// in ONE tmux call (capture-pane … ; display-message <marker> ; …) and matched against the profile's
// screen patterns; a stable verdict is written to the pane as @orchard_screen, so `orchard ls` and
// every other front end see it too. Cost per tick: 1 exec per host; every 3rd tick +1 per host with
// hookless sessions (+1 more when a verdict changes). Optionally drives the resource monitor from
// the same list-panes (every `statsEveryTicks`) and enforces soft limits.
import { randomBytes } from 'node:crypto';
import { type AgentProfile, type ResourceStats, type SessionInfo } from '../../shared/model.ts';
import { mergeProfiles } from '../agents/profiles.ts';
import type { HostContext, HostRegistry } from '../hosts/registry.ts';
import { enforceSoftLimits } from '../limits/soft.ts';
import {
  listPanesWithin,
  toResourceStats,
  type HostSample,
  type ResourceMonitor,
} from '../monitor/monitor.ts';
import { paneToSession } from '../sessions/list.ts';
import type { Store } from '../store/store.ts';
import { tmuxLiteral } from '../tmux/escape.ts';
import type { PaneRecord } from '../tmux/format.ts';
import { Emitter, type Disposable } from '../util/lifecycle.ts';
import { ScreenDebouncer } from './patterns.ts';
import { hasHooks, judgeScreen, needsScreenCheck, verdictKey, verdictUpdate } from './screen-check.ts';

export interface StateChange {
  id: string;
  /** null: first seen by this watcher. */
  from: SessionInfo['state'] | null;
  to: SessionInfo['state'];
  reason?: string;
  detail?: string;
  session: SessionInfo;
}

export interface StatusWatcherOptions {
  intervalMs?: number;
  /** Screen patterns run every this many ticks (default 3: every 3 s at the default interval). */
  screenEveryTicks?: number;
  /** With a monitor: resources are sampled every this many ticks (default 2). */
  monitor?: ResourceMonitor;
  statsEveryTicks?: number;
}

interface HostTick {
  name: string;
  sessions: SessionInfo[];
  sample?: HostSample;
  unreachable?: string;
}

/** What makes a transition: the state and why (an unreachable host's error text may vary: not news). */
const key = (s: SessionInfo) =>
  s.state === 'unreachable' ? s.state : `${s.state}\0${s.reason ?? ''}\0${s.detail ?? ''}`;

export class StatusWatcher implements Disposable {
  private readonly stateEmitter = new Emitter<StateChange>();
  private readonly sessionsEmitter = new Emitter<SessionInfo[]>();
  private readonly statsEmitter = new Emitter<ResourceStats>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeSessions = this.sessionsEmitter.event;
  readonly onDidSample = this.statsEmitter.event;

  private readonly last = new Map<string, SessionInfo>();
  private readonly debounce = new ScreenDebouncer();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticks = 0;
  private running: Promise<void> | undefined;
  private disposed = false;
  private readonly store: Store;
  private readonly hosts: HostRegistry;
  private readonly opts: Required<Omit<StatusWatcherOptions, 'monitor'>> & { monitor?: ResourceMonitor };

  constructor(engine: { store: Store; hosts: HostRegistry }, opts: StatusWatcherOptions = {}) {
    this.store = engine.store;
    this.hosts = engine.hosts;
    this.opts = { intervalMs: 1000, screenEveryTicks: 3, statsEveryTicks: 2, ...opts };
  }

  /** Every session as of the last tick. */
  get sessions(): SessionInfo[] {
    return [...this.last.values()];
  }

  start(): this {
    if (!this.timer && !this.disposed) this.schedule(0);
    return this;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick().finally(() => {
        if (!this.disposed) this.schedule(this.opts.intervalMs);
      });
    }, ms);
  }

  /** One tick now (ticks never overlap). */
  tick(): Promise<void> {
    this.running ??= this.doTick().finally(() => (this.running = undefined));
    return this.running;
  }

  private async doTick(): Promise<void> {
    const n = this.ticks++;
    const config = await this.store.read();
    const profiles = mergeProfiles(config.profiles);
    const screens = n % this.opts.screenEveryTicks === 0;
    const stats = !!this.opts.monitor && n % this.opts.statsEveryTicks === 0;
    const names = await this.hosts.names();
    const results = await Promise.all(
      names.map((name) => this.tickHost(name, config.repos, profiles, screens, stats)),
    );
    if (this.disposed) return;
    this.publish(results);
    const samples = results.flatMap((r) => (r.sample ? [r.sample] : []));
    if (stats) this.statsEmitter.fire(toResourceStats(samples));
  }

  private async tickHost(
    name: string,
    repos: Parameters<typeof paneToSession>[2],
    profiles: AgentProfile[],
    screens: boolean,
    stats: boolean,
  ): Promise<HostTick> {
    let ctx: HostContext;
    let panes: PaneRecord[];
    try {
      ctx = await this.hosts.get(name);
      panes = await listPanesWithin(ctx);
    } catch (e) {
      return { name, sessions: [], unreachable: e instanceof Error ? e.message : String(e) };
    }
    const now = Date.now();
    await this.screenPass(ctx, panes, profiles, now, screens).catch(() => undefined);
    const sessions = panes.map((p) => paneToSession(p, name, repos, now));
    let sample: HostSample | undefined;
    if (stats && this.opts.monitor) {
      sample = await this.opts.monitor.sampleHost(
        ctx,
        panes,
        repos.filter((r) => r.host === name).map((r) => r.path),
      );
      await enforceSoftLimits(ctx, sample).catch(() => undefined);
    }
    return { name, sessions, ...(sample ? { sample } : {}) };
  }

  /**
   * The screen check (screen-check.ts) for the panes that need it: hooked sessions every tick (a
   * denial or an interrupt is seen within 2 s), hookless ones every `screenEveryTicks`. A verdict
   * seen twice in a row is written to the pane. Updates `panes` in place.
   */
  private async screenPass(
    ctx: HostContext,
    panes: PaneRecord[],
    profiles: AgentProfile[],
    now: number,
    hookless: boolean,
  ): Promise<void> {
    const profileOf = (p: PaneRecord) => profiles.find((x) => x.id === p['@orchard_agent']);
    const targets = panes.filter(
      (p) => needsScreenCheck(p, profileOf(p), now) && (hookless || hasHooks(profileOf(p))),
    );
    this.debounce.forget(new Set(targets.map((p) => p.pane_id)));
    if (!targets.length) return;
    const screens = await captureMany(
      ctx,
      targets.map((p) => p.pane_id),
    );
    const updates: string[] = [];
    for (const p of targets) {
      const screen = screens.get(p.pane_id);
      if (screen === undefined) continue;
      const profile = profileOf(p);
      const verdict = judgeScreen(screen, profile ?? { id: 'custom', kind: 'custom' });
      if (!this.debounce.offer(p.pane_id, verdictKey(verdict))) continue;
      const options = verdictUpdate(p, profile, verdict, now);
      if (!options) continue;
      for (const [k, v] of Object.entries(options)) {
        p[k as keyof PaneRecord] = v;
        updates.push(';', 'set-option', '-p', '-t', p.pane_id, k, tmuxLiteral(v));
      }
    }
    if (updates.length) await ctx.tmux.run(updates.slice(1));
  }

  private publish(results: HostTick[]): void {
    const seen = new Set<string>();
    let changed = false;
    for (const r of results) {
      const list = r.unreachable
        ? [...this.last.values()]
            .filter((s) => s.host === r.name)
            .map((s): SessionInfo => ({ ...s, state: 'unreachable', reason: r.unreachable }))
        : r.sessions;
      for (const s of list) {
        seen.add(s.id);
        const before = this.last.get(s.id);
        this.last.set(s.id, s);
        if (before && key(before) === key(s)) continue;
        changed = true;
        this.stateEmitter.fire({
          id: s.id,
          from: before?.state ?? null,
          to: s.state,
          ...(s.reason ? { reason: s.reason } : {}),
          ...(s.detail ? { detail: s.detail } : {}),
          session: s,
        });
      }
    }
    for (const id of [...this.last.keys()])
      if (!seen.has(id)) {
        this.last.delete(id);
        changed = true;
      }
    if (changed) this.sessionsEmitter.fire(this.sessions);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stateEmitter.dispose();
    this.sessionsEmitter.dispose();
    this.statsEmitter.dispose();
  }
}

/** The visible screens of several panes in ONE tmux invocation, split by a random marker line. */
export async function captureMany(
  ctx: HostContext,
  paneIds: readonly string[],
): Promise<Map<string, string>> {
  const marker = `orchard-capture-${randomBytes(8).toString('hex')}`;
  const args: string[] = [];
  for (const id of paneIds)
    args.push('capture-pane', '-p', '-t', id, ';', 'display-message', '-p', marker, ';');
  args.pop();
  const r = await ctx.tmux.run(args);
  const parts = r.stdout.split(`${marker}\n`);
  const out = new Map<string, string>();
  // A pane that vanished meanwhile makes tmux stop at its command: only the panes before it count.
  paneIds.forEach((id, i) => {
    if (i < parts.length - (r.code === 0 ? 0 : 1)) out.set(id, parts[i]!);
  });
  return out;
}

/**
 * For a router whose own poller lists sessions: run the screen patterns (and only they matter
 * here) while any client follows sessions, every 3 s. Their verdicts land in the panes, where the
 * router's next listing reads them. Duck-typed so status does not depend on the router.
 */
export function connectScreenPatterns(
  router: {
    onDidChangeSubscribers: (l: (e: string) => void) => Disposable;
    subscriberCount(e: 'sessionsChanged' | 'sessionState'): number;
  },
  engine: { store: Store; hosts: HostRegistry },
  intervalMs = 3000,
): Disposable {
  let watcher: StatusWatcher | undefined;
  const subs = router.onDidChangeSubscribers(() => {
    const n = router.subscriberCount('sessionsChanged') + router.subscriberCount('sessionState');
    if (n > 0 && !watcher) watcher = new StatusWatcher(engine, { intervalMs, screenEveryTicks: 1 }).start();
    if (n === 0 && watcher) {
      watcher.dispose();
      watcher = undefined;
    }
  });
  return {
    dispose() {
      subs.dispose();
      watcher?.dispose();
    },
  };
}
