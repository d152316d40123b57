// The engine's list and find: every host asked in parallel, a remote host that is down shown by the
// sessions last seen there (src/core/ssh/last-seen.ts), a silent host never stalling the others.
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import { LOCAL_HOST, type RepoConfig, type SessionInfo } from '../../shared/model.ts';
import type { HostRegistry } from '../hosts/registry.ts';
import type { LastSeenSessions } from '../ssh/last-seen.ts';
import type { Store } from '../store/store.ts';
import { listHostSessions } from './list.ts';

export interface SessionLookupDeps {
  store: Store;
  hosts: HostRegistry;
}

/** How long `list` waits for one remote host before showing its sessions as unreachable. */
const HOST_LIST_TIMEOUT_MS = 15_000;

/**
 * Sessions, and the hosts that could not be asked (their last-seen sessions are listed as
 * unreachable). Throws only when no host answered at all, with the first host's own error.
 */
export async function listAllSessions(
  deps: SessionLookupDeps,
  lastSeen: LastSeenSessions,
): Promise<{ sessions: SessionInfo[]; unreachable: Array<{ host: string; error: string }> }> {
  const config = await deps.store.read();
  const names = await deps.hosts.names();
  const perHost = await Promise.all(
    names.map((name) => hostSessions(deps.hosts, lastSeen, name, config.repos, true)),
  );
  const failed = perHost.filter((h) => h.error !== undefined);
  if (failed.length === perHost.length && failed[0]?.cause) throw failed[0].cause;
  return {
    sessions: perHost.flatMap((h) => h.sessions).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    unreachable: names.flatMap((host, i) => (perHost[i]!.error ? [{ host, error: perHost[i]!.error! }] : [])),
  };
}

/**
 * One host's sessions. A remote host that is down (or refused: key, auth, tools) yields the
 * sessions last seen there as "unreachable", within a time limit, so one host never stalls the rest.
 */
async function hostSessions(
  hosts: HostRegistry,
  lastSeen: LastSeenSessions,
  name: string,
  repos: readonly RepoConfig[],
  withGit: boolean,
): Promise<{ sessions: SessionInfo[]; error?: string; cause?: unknown }> {
  const read = async () => listHostSessions(await hosts.get(name), repos, Date.now(), withGit);
  if (name === LOCAL_HOST) {
    // This machine is one host among others: no tmux here must not hide the remote sessions.
    try {
      const sessions = await read();
      hosts.noteContact(name);
      return { sessions };
    } catch (e) {
      hosts.noteContact(name, e);
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
    hosts.noteContact(name);
    if (withGit) await lastSeen.set(name, sessions);
    return { sessions };
  } catch (e) {
    hosts.noteContact(name, e);
    const error = toErrorValue(e).message;
    const known = await lastSeen.get(name);
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

export async function findSession(
  deps: SessionLookupDeps,
  lastSeen: LastSeenSessions,
  id: string,
): Promise<SessionInfo> {
  if (!/^[0-9a-f]{1,64}$/i.test(id))
    throw new OrchardError('session-not-found', `no session with id ${JSON.stringify(id)}`);
  const config = await deps.store.read();
  const names = await deps.hosts.names();
  // Answer as soon as a reachable host has it: a silent remote host must not delay a local session.
  const lookups = names.map((name) => hostSessions(deps.hosts, lastSeen, name, config.repos, false));
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
