// Pure-ish helpers of the host monitor: its cadences, sessions from panes (with the branch git
// reports for each worktree), and the lists it shows when the host's tmux server died or the host
// is unreachable.
import type { RepoConfig, SessionInfo } from '../../shared/model.ts';
import { Git } from '../git/git.ts';
import type { Host } from '../hosts/host.ts';
import { paneToSession } from '../sessions/list.ts';
import type { PaneRecord } from '../tmux/format.ts';

export interface HostMonitorOptions {
  /** Soft limits and time-based states (default 2000 ms). */
  slowMs?: number;
  /** Screen checks through the control client (default 800 ms; polling mode uses slowMs). */
  screenMs?: number;
  /** A second read after a verdict that differs from its pane (default 350 ms). */
  recheckMs?: number;
  /** Safety re-list through the control client (default 5000 ms). */
  relistMs?: number;
  /** list-panes polling where control mode is unavailable (default 1000 ms). */
  pollMs?: number;
  /** Looking for a server that is not running (default: 1000 ms locally, 5000 ms over SSH). */
  probeMs?: number;
  /** Retrying an unreachable host (default 5000 ms). */
  retryMs?: number;
  /** `git worktree list` even when no session came or went (default 60 s). */
  gitMs?: number;
  /** A process snapshot for the sessions' listening ports (default: 2 s locally, 6 s over SSH). */
  portsMs?: number;
}

/** The cadences, tuned so a screen transition reaches the UI within ~1.2 s at worst. */
export function monitorDefaults(local: boolean): Required<HostMonitorOptions> {
  return {
    slowMs: 2000,
    screenMs: 800,
    recheckMs: 350,
    relistMs: 5000,
    pollMs: 1000,
    probeMs: local ? 1000 : 5000,
    retryMs: 5000,
    gitMs: 60_000,
    // Listening ports (dev servers) come from a process snapshot: in-process here, one exec remotely.
    portsMs: local ? 2000 : 6000,
  };
}

export const SERVER_EXITED = 'tmux server exited';

/** The SSH pool's countdown ("(next retry in 3s)") changes every second; it is not news. */
export const steadyError = (msg: string): string => msg.replace(/\s*\(next retry in [^)]*\)/g, '');

/** The branch checked out in each session's worktree (the user may have switched it): path → branch. */
export async function worktreeBranches(
  host: Host,
  panes: readonly PaneRecord[],
): Promise<Map<string, string>> {
  const repoPaths = [...new Set(panes.map((p) => p['@orchard_repo_path']).filter(Boolean))];
  const branches = new Map<string, string>();
  await Promise.all(
    repoPaths.map(async (path) => {
      try {
        for (const w of await new Git(host, path).worktrees()) if (w.branch) branches.set(w.path, w.branch);
      } catch {
        // Repo moved or deleted: the tags tmux holds stay; the session itself is still real.
      }
    }),
  );
  return branches;
}

export function sessionsFromPanes(
  panes: readonly PaneRecord[],
  host: string,
  repos: readonly RepoConfig[],
  branches: ReadonlyMap<string, string>,
  nowMs: number,
): SessionInfo[] {
  return panes.map((p) => {
    const s = paneToSession(p, host, repos, nowMs);
    const branch = branches.get(s.worktree);
    return branch ? { ...s, branch } : s;
  });
}

/** Sessions whose tmux server died under them: still listed, saying so. */
export function asStopped(list: readonly SessionInfo[]): SessionInfo[] {
  return list
    .filter((s) => s.state !== 'stopped' && s.state !== 'unreachable')
    .map(({ detail: _d, exitCode: _x, ...s }) => ({
      ...s,
      state: 'stopped',
      reason: SERVER_EXITED,
      pid: null,
    }));
}

/** Sessions of a host that cannot be reached, as last seen there. */
export function asUnreachable(list: readonly SessionInfo[], error: string): SessionInfo[] {
  return list.map(({ exitCode: _x, ...s }) => ({
    ...s,
    state: 'unreachable',
    reason: 'host unreachable',
    detail: error,
    pid: null,
  }));
}
