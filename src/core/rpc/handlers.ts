// The request handlers: each maps one contract request onto the engine. Params arrive already
// parsed by schemas.ts. `attach` lives in connection.ts: it belongs to one client.
import type { RequestName, RequestParams, RequestResult, StatsSnapshot } from '../../shared/api.ts';
import type { Engine } from '../engine.ts';
import * as review from '../review/service.ts';
import { gc } from '../sessions/gc.ts';
import { setupAction, setupPlan, trustRepo } from '../sessions/setup.ts';
import { approve, approveAll } from '../sessions/approve.ts';
import { broadcast } from '../sessions/broadcast.ts';
import { headlessEvents } from '../sessions/headless-ops.ts';

export interface HandlerContext {
  engine: Engine;
  /** Something changed the session list: poll now rather than at the next tick. */
  sessionsTouched(): void;
  stats?: () => Promise<StatsSnapshot>;
}

type Handler<K extends RequestName> = (p: RequestParams<K>, ctx: HandlerContext) => Promise<RequestResult<K>>;
export type Handlers = { [K in Exclude<RequestName, 'attach'>]: Handler<K> };

export const handlers: Handlers = {
  listRepos: (_p, { engine }) => engine.listRepos(),
  addRepo: (p, { engine }) =>
    engine.addRepo(p.path, { ...(p.name ? { name: p.name } : {}), ...(p.host ? { host: p.host } : {}) }),
  removeRepo: (p, { engine }) => engine.removeRepo(p.repo),
  branches: (p, { engine }) => engine.branches(p.repo),
  async spawn(p, ctx) {
    const s = await ctx.engine.spawn(p);
    ctx.sessionsTouched();
    return s;
  },
  listSessions: (_p, { engine }) => engine.list(),
  async kill(p, ctx) {
    const r = await ctx.engine.kill(p.id, { removeWorktree: !!p.removeWorktree, force: !!p.force });
    ctx.sessionsTouched();
    return r;
  },
  async sendText(p, { engine }) {
    await engine.send(p.id, p.text, p.enter ?? true, !!p.force);
    return null;
  },
  async keys(p, { engine }) {
    await engine.keys(p.id, p.keys);
    return null;
  },
  capture: (p, { engine }) => engine.capture(p.id),
  async profiles(_p, { engine }) {
    const [profiles, config] = await Promise.all([engine.profiles(), engine.store.read()]);
    return { profiles, defaultAgent: config.preferences.defaultAgent };
  },
  preferences: async (_p, { engine }) => (await engine.store.read()).preferences,
  // --- Hosts and limits: the Engine's methods, shared with the CLI (src/core/hosts/admin.ts).
  listHosts: (_p, { engine }) => engine.listHosts(),
  addHost: (p, { engine }) => engine.addHost(p),
  async removeHost(p, ctx) {
    const h = await ctx.engine.removeHost(p.name);
    ctx.sessionsTouched();
    return h;
  },
  testHost: (p, { engine }) => engine.testHost(p.name),
  hostKey: (p, { engine }) => engine.hostKey(p.name),
  trustHost: (p, { engine }) => engine.trustHost(p),
  hostInfo: (p, { engine }) => engine.hostInfo(p.name),
  answerPassphrase(p, { engine }) {
    engine.answerPassphrase(p.id, p.passphrase, !!p.remember);
    return Promise.resolve(null);
  },
  async setLimits(p, ctx) {
    const r = await ctx.engine.setLimits(p);
    ctx.sessionsTouched();
    return r;
  },
  async resume(p, ctx) {
    const r = await ctx.engine.resume(p.id, { fresh: !!p.fresh });
    ctx.sessionsTouched();
    return r;
  },
  async resumeAll(p, ctx) {
    const r = await ctx.engine.resumeAll(p.host);
    ctx.sessionsTouched();
    return r;
  },
  async forget(p, ctx) {
    const r = await ctx.engine.forget(p.id);
    ctx.sessionsTouched();
    return r;
  },
  async stats(_p, ctx) {
    // The monitor plugs its sampler in through RouterOptions.stats; without it: no figures yet.
    return ctx.stats ? ctx.stats() : { at: new Date().toISOString(), hosts: [], sessions: [] };
  },
  // Ports and forwards: the forwards live in this process (the app's main, or `orchard web`).
  ports: (p, { engine }) => engine.ports(p.id),
  forwardStart: (p, { engine }) => engine.forwarder.start(p.id, p.port, p.localPort),
  forwardStop: async (p, { engine }) => ({ stopped: engine.forwarder.stop(p.localPort) }),
  forwardList: async (_p, { engine }) => engine.forwarder.list(),
  // Review (src/core/review): kept together.
  diff: (p, { engine }) => review.diff(engine, p),
  filePatch: (p, { engine }) => review.patch(engine, p),
  commit: (p, { engine }) => review.commit(engine, p.id, p.message, !!p.all),
  async merge(p, ctx) {
    const r = await review.merge(ctx.engine, p);
    ctx.sessionsTouched();
    return r;
  },
  push: (p, { engine }) => review.push(engine, p.id),
  async createPr(p, ctx) {
    const r = await review.pr(ctx.engine, p);
    ctx.sessionsTouched();
    return r;
  },
  async setBase(p, ctx) {
    const r = await review.setBase(ctx.engine, p.id, p.base);
    ctx.sessionsTouched();
    return r;
  },
  async cleanup(p, ctx) {
    const r = await review.cleanup(ctx.engine, p.id);
    ctx.sessionsTouched();
    return r;
  },
  async gc(p, ctx) {
    const r = await gc(ctx.engine, !!p.dryRun);
    ctx.sessionsTouched();
    return r;
  },
  // New worktrees ready to work: what a spawn will do, trusting a repo's scripts, retry/skip setup.
  setupPlan: (p, { engine }) => setupPlan(engine, p),
  repoTrust: (p, { engine }) =>
    trustRepo(engine, p.repo, {
      ...(p.setup ? { setup: p.setup } : {}),
      ...(p.teardown ? { teardown: p.teardown } : {}),
    }),
  async setupAction(p, ctx) {
    await setupAction(ctx.engine, p.id, p.action);
    ctx.sessionsTouched();
    return null;
  },
  // Answering agents: the state changes arrive through the hooks; poll now to show them sooner.
  async approve(p, ctx) {
    const r = await approve(ctx.engine, p);
    return r;
  },
  async approveAll(p, ctx) {
    const r = await approveAll(ctx.engine, p);
    return r;
  },
  broadcast: (p, { engine }) => broadcast(engine, p),
  // Headless sessions: their events since an offset (the window polls while the view is open).
  headlessEvents: (p, { engine }) => headlessEvents(engine, p.id, p.offset ?? 0),
};
