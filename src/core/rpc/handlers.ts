// The request handlers: each maps one contract request onto the engine. Params arrive already
// parsed by schemas.ts. `attach` lives in connection.ts: it belongs to one client.
import type {
  HostSummary,
  RequestName,
  RequestParams,
  RequestResult,
  StatsSnapshot,
} from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import { LOCAL_HOST } from '../../shared/model.ts';
import type { Engine } from '../engine.ts';
import type { HostConfig } from '../store/store.ts';

export interface HandlerContext {
  engine: Engine;
  /** Something changed the session list: poll now rather than at the next tick. */
  sessionsTouched(): void;
  stats?: () => Promise<StatsSnapshot>;
}

type Handler<K extends RequestName> = (p: RequestParams<K>, ctx: HandlerContext) => Promise<RequestResult<K>>;
export type Handlers = { [K in Exclude<RequestName, 'attach'>]: Handler<K> };

function hostSummary(h: HostConfig): HostSummary {
  return { name: h.name, kind: 'ssh', address: h.ssh ?? h.name };
}

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
  async listHosts(_p, { engine }) {
    const config = await engine.store.read();
    return [{ name: LOCAL_HOST, kind: 'local' as const }, ...config.hosts.map(hostSummary)];
  },
  async addHost(p, { engine }) {
    const host: HostConfig = {
      name: p.name,
      ...(p.ssh ? { ssh: p.ssh } : {}),
      ...(p.identity ? { identity: p.identity } : {}),
    };
    await engine.store.update((c) => {
      if (c.hosts.some((h) => h.name === p.name))
        throw new OrchardError('invalid-argument', `a host named ${p.name} already exists`);
      c.hosts.push(host);
    });
    return hostSummary(host);
  },
  async removeHost(p, { engine }) {
    let removed: HostConfig | undefined;
    await engine.store.update((c) => {
      removed = c.hosts.find((h) => h.name === p.name);
      if (!removed) throw new OrchardError('host-not-found', `no host named ${p.name}`);
      const repos = c.repos.filter((r) => r.host === p.name);
      if (repos.length)
        throw new OrchardError(
          'invalid-argument',
          `host ${p.name} still has repos (${repos.map((r) => r.name).join(', ')}); remove them first`,
        );
      c.hosts = c.hosts.filter((h) => h.name !== p.name);
    });
    return hostSummary(removed!);
  },
  async stats(_p, ctx) {
    // The monitor plugs its sampler in through RouterOptions.stats; without it: no figures yet.
    return ctx.stats ? ctx.stats() : { at: new Date().toISOString(), hosts: [], sessions: [] };
  },
};
