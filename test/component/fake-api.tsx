// The unit boundary of the component tests: a stand-in for src/renderer/src/api.ts (the OrchardApi
// the window is given), recording every request and send, with events pushed by the test. The
// terminal (xterm) is replaced by a placeholder: jsdom has no layout or canvas; the e2e tests
// drive the real one in Chromium.
import { vi } from 'vitest';
import type {
  ClientEventName,
  EventPayload,
  OrchardApi,
  RequestName,
  RequestParams,
  RequestResult,
  AnySendName,
} from '../../src/shared/api.ts';
import { OrchardError } from '../../src/shared/errors.ts';
import type { BranchInfo, SessionInfo } from '../../src/shared/model.ts';

export type Handlers = {
  [K in RequestName]?: (p: RequestParams<K>) => RequestResult<K> | Promise<RequestResult<K>>;
};

export interface FakeApi {
  api: OrchardApi;
  requests: Array<{ name: RequestName; params: unknown }>;
  sends: Array<{ name: AnySendName; payload: unknown }>;
  emit<K extends ClientEventName>(name: K, payload: EventPayload<K>): void;
  calls(name: RequestName): unknown[];
}

export function fakeApi(handlers: Handlers): FakeApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const requests: FakeApi['requests'] = [];
  const sends: FakeApi['sends'] = [];
  const api: OrchardApi = {
    request: vi.fn(async (name: RequestName, params: unknown) => {
      requests.push({ name, params });
      const h = handlers[name] as ((p: unknown) => unknown) | undefined;
      if (!h) throw new OrchardError('internal', `no fake for ${name}`);
      return h(params);
    }) as OrchardApi['request'],
    send: (name, payload) => {
      sends.push({ name, payload });
    },
    on: (name, listener) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  return {
    api,
    requests,
    sends,
    emit: (name, payload) => listeners.get(name)?.forEach((l) => l(payload)),
    calls: (name) => requests.filter((r) => r.name === name).map((r) => r.params),
  };
}

export function branch(name: string, extra: Partial<BranchInfo> = {}): BranchInfo {
  return {
    name,
    kind: 'local',
    upstream: null,
    ahead: 0,
    behind: 0,
    worktree: null,
    sessionId: null,
    lastCommit: { sha: 'abc1234', subject: `work on ${name}`, date: '2026-11-25T10:00:00Z' },
    ...extra,
  };
}

export function session(id: string, branchName: string, extra: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id,
    repo: 'web',
    repoPath: '/src/web',
    branch: branchName,
    worktree: `/src/web.worktrees/${branchName.replaceAll('/', '-')}`,
    host: 'local',
    agent: 'fake',
    state: 'idle',
    pid: 100,
    createdAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    tmuxSession: `orchard-${id}`,
    paneId: '%1',
    ...extra,
  };
}

/** A minimal DataTransfer for drag-and-drop in jsdom. */
export function dataTransfer(): DataTransfer {
  const data = new Map<string, string>();
  return {
    get types() {
      return [...data.keys()];
    },
    setData: (k: string, v: string) => void data.set(k, v),
    getData: (k: string) => data.get(k) ?? '',
    dropEffect: 'none',
    effectAllowed: 'all',
  } as unknown as DataTransfer;
}

/** Resolves when `release` is called: lets a test look at the UI while a request is in flight. */
export function gate<T>(): { promise: Promise<T>; release: (v: T) => void; fail: (e: unknown) => void } {
  let release!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    release = res;
    fail = rej;
  });
  return { promise, release, fail };
}

export function TerminalStub({ sessionId, active }: { sessionId: string; active: boolean }) {
  return <div data-testid={`terminal-${sessionId}`} data-active={String(active)} />;
}
