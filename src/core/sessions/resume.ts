// Resume and restart: a stopped session (its record, no tmux session) or an exited one (a dead pane)
// gets its tmux session back, with the same id and name, in the same worktree, and its agent
// started again: resuming its conversation where the agent can (the profile's `resumeArgs`), or
// fresh. Everything is checked before anything is killed or started.
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { ResumeResult } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { AgentProfile, RepoConfig, SessionInfo } from '../../shared/model.ts';
import { CLAUDE_SETTINGS_FILE, claudeSettings } from '../agents/claude-hooks.ts';
import { prepareSignals } from '../agents/signals.ts';
import { RESUME_ARGS } from '../agents/profiles.ts';
import { Git } from '../git/git.ts';
import type { HostContext } from '../hosts/registry.ts';
import type { NewSessionSpec } from '../tmux/tmux.ts';
import { paneToSession } from './list.ts';
import type { SessionRecord } from './records.ts';
import { executeSpawn } from './spawn.ts';
import { prepareTranscript } from './transcript.ts';

function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The folder Claude Code keeps a cwd's transcripts in, under `<config dir>/projects/`: every UTF-16
 * unit that is not an ASCII letter or digit becomes '-'; past 200 chars the name is cut and the
 * base-36 hash of the path appended. Checked against Claude Code 2.1.332 (`/tmp/w.d_x y-é/sub` →
 * `-tmp-w-d-x-y---sub`; an emoji gives two dashes; a 243-char name → 200 chars + `-va2cn9`; it
 * honours CLAUDE_CONFIG_DIR). `--resume <id>` appends to that same transcript, so the id stays the
 * session's; an unknown id makes it print "No conversation found with session ID: <id>".
 */
export function claudeProjectDir(cwd: string): string {
  const munged = cwd.replace(/[^a-zA-Z0-9]/g, '-');
  if (munged.length <= 200) return munged;
  return `${munged.slice(0, 200)}-${Math.abs(javaHash(cwd)).toString(36)}`;
}

/**
 * Before anything is killed or started, in one exec: the agent's command exists ($1; else exit 3),
 * and, for a stopped session ($3 = `=name`), no tmux session took its name meanwhile (a concurrent
 * resume from another process; else exit 4): the rollback of a failed start kills by that name.
 */
const PRECHECK_SCRIPT =
  'command -v "$1" >/dev/null 2>&1 || exit 3; ' +
  '[ -z "$3" ] || ! tmux -L "$2" -f /dev/null has-session -t "$3" 2>/dev/null || exit 4';

/** $1 = project folder, $2 = session id; prints the transcript's path, exit 0 when it has content. */
const TRANSCRIPT_SCRIPT =
  'f="${CLAUDE_CONFIG_DIR:-$HOME/.claude}/projects/$1/$2.jsonl"; printf "%s" "$f"; test -s "$f"';

async function claudeTranscript(ctx: HostContext, rec: SessionRecord, sid: string) {
  const dir = rec.env?.CLAUDE_CONFIG_DIR;
  const r = await ctx.host.exec(['sh', '-c', TRANSCRIPT_SCRIPT, 'sh', claudeProjectDir(rec.worktree), sid], {
    ...(dir ? { env: { CLAUDE_CONFIG_DIR: dir } } : {}),
  });
  return { exists: r.code === 0, path: r.stdout };
}

async function settingsFile(ctx: HostContext): Promise<string> {
  const file = posix.join(await ctx.home(), 'hooks', CLAUDE_SETTINGS_FILE);
  await ctx.host.writeFile(file, JSON.stringify(claudeSettings(), null, 2) + '\n');
  return file;
}

interface AgentStart {
  argv: string[];
  sid?: string;
  how: 'resumed' | 'fresh';
  note?: string;
}

/** The agent's argv: resuming its conversation unless `fresh` or it cannot, then a note says why. */
async function agentStart(
  ctx: HostContext,
  rec: SessionRecord,
  profile: AgentProfile | undefined,
  fresh: boolean,
): Promise<AgentStart> {
  const kind = profile?.kind ?? (rec.agentSessionId ? 'claude' : 'custom');
  const claude = kind === 'claude';
  // The record's command and env carry the signals' flags and variables: their files must exist.
  if (!claude) await prepareSignals(ctx, kind);
  // The store does not check profiles: a hand-written resumeArgs that is not a string list is ignored.
  const own = profile?.resumeArgs;
  const resumeArgs =
    Array.isArray(own) && own.every((a) => typeof a === 'string') ? own : (RESUME_ARGS[kind] ?? []);
  const sid = rec.agentSessionId;
  let note: string | undefined;
  if (!fresh) {
    if (!resumeArgs.length)
      note = `${profile?.label ?? rec.agent} cannot resume a conversation; started fresh`;
    else if (resumeArgs.some((a) => a.includes('{sessionId}')) && !sid)
      note = `no conversation id was recorded for ${rec.id}; started fresh`;
    else if (claude && sid) {
      const t = await claudeTranscript(ctx, rec, sid);
      if (!t.exists)
        note = `no transcript of conversation ${sid} on ${ctx.host.name} (${t.path}); started fresh`;
    }
    if (!note) {
      const argv = [...rec.command, ...resumeArgs.map((a) => a.replaceAll('{sessionId}', sid ?? ''))];
      if (claude) argv.push('--settings', await settingsFile(ctx));
      return { argv, ...(sid ? { sid } : {}), how: 'resumed' };
    }
  }
  const done = note ? { note } : {};
  if (!claude) return { argv: [...rec.command], how: 'fresh', ...done };
  const fresh2 = randomUUID();
  const argv = [...rec.command, '--session-id', fresh2, '--settings', await settingsFile(ctx)];
  return { argv, sid: fresh2, how: 'fresh', ...done };
}

/** A record for a live session that has none (spawned before records existed): its profile's command. */
export function recordFromLive(s: SessionInfo, profile: AgentProfile | undefined): SessionRecord {
  if (!profile)
    throw new OrchardError(
      'profile-not-found',
      `session ${s.id} has no record and its agent profile ${s.agent} is gone: nothing to restart it with`,
    );
  return {
    v: 1,
    id: s.id,
    repo: s.repo,
    repoPath: s.repoPath,
    branch: s.branch,
    worktree: s.worktree,
    ownsWorktree: !!s.ownsWorktree,
    agent: s.agent,
    argv: [...profile.command],
    command: [...profile.command],
    ...(profile.env ? { env: profile.env } : {}),
    ...(s.agentSessionId ? { agentSessionId: s.agentSessionId } : {}),
    createdAt: s.createdAt,
    tmuxSession: s.tmuxSession,
    lastSeen: new Date().toISOString(),
  };
}

/**
 * Start `rec`'s session again. `live` is its tmux session when it still has one (a dead pane):
 * that is replaced. A running session, or a worktree that is gone, is refused with nothing touched.
 */
export async function resumeSession(
  ctx: HostContext,
  rec: SessionRecord,
  profile: AgentProfile | undefined,
  live: SessionInfo | undefined,
  repos: readonly RepoConfig[],
  fresh: boolean,
): Promise<ResumeResult> {
  if (live && live.state !== 'exited')
    throw new OrchardError(
      'session-exists',
      `session ${rec.id} is running (${live.state}); only a stopped or exited session can be ${fresh ? 'restarted' : 'resumed'}`,
    );
  if (!(await ctx.host.exists(rec.worktree)))
    throw new OrchardError(
      'not-found',
      `cannot ${fresh ? 'restart' : 'resume'} ${rec.id}: its worktree ${rec.worktree} no longer exists on ${ctx.host.name} ` +
        `(orchard forget ${rec.id} drops the record)`,
    );
  const cmd = rec.command[0]!;
  const check = await ctx.host.exec([
    'sh',
    '-c',
    PRECHECK_SCRIPT,
    'sh',
    cmd,
    ctx.tmux.socket,
    live ? '' : `=${rec.tmuxSession}`,
  ]);
  if (check.code === 3)
    throw new OrchardError(
      'tool-missing',
      `cannot ${fresh ? 'restart' : 'resume'} ${rec.id}: its agent command is not found on ${ctx.host.name}: ${cmd}`,
    );
  if (check.code === 4)
    throw new OrchardError('session-exists', `session ${rec.id} is already running again`);
  const start = await agentStart(ctx, rec, profile, fresh);
  if (live) await ctx.tmux.killSession(live.tmuxSession);
  const spec: NewSessionSpec = {
    name: rec.tmuxSession,
    cwd: rec.worktree,
    argv: start.argv,
    env: { ORCHARD_SESSION_ID: rec.id, ...(rec.env ?? {}) },
    tags: {
      '@orchard_id': rec.id,
      '@orchard_repo': rec.repo,
      '@orchard_repo_path': rec.repoPath,
      '@orchard_branch': rec.branch,
      '@orchard_worktree': rec.worktree,
      '@orchard_owns_worktree': rec.ownsWorktree ? '1' : '',
      '@orchard_agent': rec.agent,
      '@orchard_agent_session': start.sid ?? '',
      '@orchard_created': rec.createdAt,
      // Still headless: the wrapper is in its argv; the window and `send` must know.
      ...(rec.headless ? { '@orchard_headless': rec.headless } : {}),
    },
    // The transcript goes on in the same log (appended).
    transcript: await prepareTranscript(ctx, rec.id),
  };
  const made = await executeSpawn({
    ctx,
    git: new Git(ctx.host, rec.repoPath),
    plan: { branch: rec.branch, worktree: rec.worktree, createsWorktree: false },
    spec,
    id: rec.id,
    limits: rec.limits,
    resumes: { ...(rec.base ? { base: rec.base } : {}), command: rec.command },
  });
  return {
    id: rec.id,
    host: ctx.host.name,
    how: start.how,
    ...(start.note ? { note: start.note } : {}),
    session: paneToSession(made.pane, ctx.host.name, repos, Date.now()),
  };
}
