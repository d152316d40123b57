// Host management and limits, one implementation for every front end: the router's handlers (the
// window, browser mode) and the `orchard host …` / `orchard limit` commands call these through the
// Engine. Params arrive checked by src/core/rpc/schemas.ts (the CLI runs them through the same
// schema with parseRequest).
import type {
  AddHostParams,
  HostKeyCheck,
  HostSummary,
  HostTestResult,
  TrustHostParams,
  TrustHostResult,
} from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import { LOCAL_HOST } from '../../shared/model.ts';
import type { HostConfig, Store } from '../store/store.ts';
import { SshHostFactory } from '../ssh/factory.ts';
import type { HostRegistry } from './registry.ts';

export interface HostAdminDeps {
  store: Store;
  hosts: HostRegistry;
}

export function sshHosts(hosts: HostRegistry): SshHostFactory {
  const f = hosts.remoteFactory;
  if (!(f instanceof SshHostFactory)) throw new OrchardError('internal', 'SSH hosts are not available here');
  return f;
}

function summary(h: HostConfig, hosts: HostRegistry): HostSummary {
  const c = hosts.contact(h.name);
  return {
    name: h.name,
    kind: 'ssh',
    address: h.ssh ?? h.name,
    ...(h.identity ? { identity: h.identity } : {}),
    status: c.status,
    ...(c.error ? { error: c.error } : {}),
  };
}

export async function listHosts({ store, hosts }: HostAdminDeps): Promise<HostSummary[]> {
  const config = await store.read();
  const local = hosts.contact(LOCAL_HOST);
  return [
    {
      name: LOCAL_HOST,
      kind: 'local',
      status: local.status,
      ...(local.error ? { error: local.error } : {}),
    },
    ...config.hosts.map((h) => summary(h, hosts)),
  ];
}

export async function addHost({ store, hosts }: HostAdminDeps, p: AddHostParams): Promise<HostSummary> {
  const host: HostConfig = {
    name: p.name,
    ...(p.ssh ? { ssh: p.ssh } : {}),
    ...(p.identity ? { identity: p.identity } : {}),
  };
  await store.update((c) => {
    if (c.hosts.some((h) => h.name === p.name))
      throw new OrchardError('invalid-argument', `a host named ${p.name} already exists`);
    c.hosts.push(host);
  });
  // A connection left from an earlier host of that name (removed by another process) must not serve.
  hosts.forget(p.name);
  return summary(host, hosts);
}

/** Forget a host (its repos must go first) and close its connections; nothing on it is touched. */
export async function removeHost({ store, hosts }: HostAdminDeps, name: string): Promise<HostSummary> {
  let removed: HostConfig | undefined;
  await store.update((c) => {
    removed = c.hosts.find((h) => h.name === name);
    if (!removed) throw new OrchardError('host-not-found', `unknown host: ${name} (see orchard host ls)`);
    const repos = c.repos.filter((r) => r.host === name).map((r) => r.name);
    if (repos.length)
      throw new OrchardError(
        'invalid-argument',
        `host ${name} still has repos: ${repos.join(', ')} (remove them first: orchard repo rm)`,
      );
    c.hosts = c.hosts.filter((h) => h.name !== name);
  });
  const out = summary(removed!, hosts);
  hosts.forget(name);
  return out;
}

export async function testHost({ hosts }: HostAdminDeps, name: string): Promise<HostTestResult> {
  try {
    const r = await sshHosts(hosts).test(name);
    hosts.noteContact(name);
    return r;
  } catch (e) {
    hosts.noteContact(name, e);
    throw e;
  }
}

export function hostKey({ hosts }: HostAdminDeps, name: string): Promise<HostKeyCheck> {
  return sshHosts(hosts).checkKey(name);
}

/** Trust only the key with the fingerprint the user was shown (so a swapped key is never trusted). */
export async function trustHost({ hosts }: HostAdminDeps, p: TrustHostParams): Promise<TrustHostResult> {
  const r = await sshHosts(hosts).trust(p.name, { fingerprint: p.fingerprint, replace: !!p.replace });
  // "untrusted" no longer holds; the next contact says how the host is.
  hosts.forget(p.name);
  return r;
}
