// The sessions last seen on each remote host, kept in ORCHARD_HOME so that any process (a fresh
// `orchard ls`, the app after a restart) can show them as "unreachable" while their host is down
// instead of dropping them. Only a display cache: the truth stays in that host's tmux, and the
// file is rewritten each time the host answers.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { SessionInfo } from '../../shared/model.ts';

function stable(s: SessionInfo): SessionInfo {
  const {
    id,
    repo,
    repoPath,
    branch,
    worktree,
    host,
    agent,
    createdAt,
    agentSessionId,
    tmuxSession,
    paneId,
  } = s;
  return {
    id,
    repo,
    repoPath,
    branch,
    worktree,
    host,
    agent,
    state: 'unreachable',
    pid: null,
    createdAt,
    ...(agentSessionId ? { agentSessionId } : {}),
    tmuxSession,
    paneId,
  };
}

export class LastSeenSessions {
  private readonly dir: string;
  /** What this process last wrote or read per host, to skip identical writes. */
  private readonly known = new Map<string, string>();

  constructor(dir: string) {
    this.dir = dir;
  }

  private file(host: string): string {
    return join(this.dir, `${encodeURIComponent(host)}.json`);
  }

  private async read(host: string): Promise<string> {
    const cached = this.known.get(host);
    if (cached !== undefined) return cached;
    const text = await readFile(this.file(host), 'utf8').catch(() => '[]');
    this.known.set(host, text);
    return text;
  }

  async get(host: string): Promise<SessionInfo[]> {
    try {
      const list = JSON.parse(await this.read(host)) as unknown;
      return Array.isArray(list) ? (list as SessionInfo[]) : [];
    } catch {
      return [];
    }
  }

  /**
   * Best effort: a cache that cannot be written only means less to show during an outage. Only
   * what identifies a session is kept (no state, pid...), so the file changes when sessions come
   * and go, not on every state change.
   */
  async set(host: string, sessions: readonly SessionInfo[]): Promise<void> {
    const text = JSON.stringify(sessions.map(stable));
    if ((await this.read(host)) === text) return;
    try {
      await writeFileAtomic(this.file(host), text, { mode: 0o600 });
      // Only once written: a failed write (full disk) is tried again with the next answer.
      this.known.set(host, text);
    } catch {
      // read-only home, full disk or the like (the helper removed its temp file)
    }
  }
}
