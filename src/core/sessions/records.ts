// The durable record of a session, one small JSON file per session on the session's own host
// (`<Orchard's folder there>/sessions/<id>.json`: ORCHARD_HOME locally, ~/.orchard over SSH, the
// folder that also holds the Claude hooks settings). tmux stays the truth for what runs; the record
// is what survives a reboot or a dead tmux server, so such a session is listed as `stopped` and can
// be resumed. Written atomically (Host.writeFile: temp file + rename), removed on a deliberate kill.
import { readdir, readFile, stat, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { z } from 'zod';
import { LOCAL_HOST, type ResourceLimits } from '../../shared/model.ts';
import type { HostContext } from '../hosts/registry.ts';
import type { NewSessionSpec } from '../tmux/tmux.ts';

export interface SessionRecord {
  v: 1;
  id: string;
  repo: string;
  repoPath: string;
  branch: string;
  worktree: string;
  /** What a new branch was made from, when this session made it. */
  base?: string;
  ownsWorktree: boolean;
  /** Agent profile id ('custom' for `--command`). */
  agent: string;
  /** The agent's argv as last started (without the limits prefix and Orchard's pane wrapper). */
  argv: string[];
  /** The agent's own command, without the per-session flags Orchard added (--session-id, --resume, --settings). */
  command: string[];
  /** The profile's extra environment. */
  env?: Record<string, string>;
  /** The agent's own session id (Claude Code `--session-id`). */
  agentSessionId?: string;
  limits?: ResourceLimits;
  /** A headless session (src/core/sessions/headless.ts): how its agent takes messages. */
  headless?: 'stream-json' | 'argv';
  createdAt: string;
  tmuxSession: string;
  /** When the session was last seen running (also the file's mtime, refreshed while it runs). */
  lastSeen: string;
}

const str = z.string().min(1).max(65536);
const recordSchema = z.object({
  v: z.literal(1),
  id: z.string().regex(/^[0-9a-f]{1,64}$/),
  repo: str,
  repoPath: str,
  branch: str,
  worktree: str,
  base: str.optional(),
  ownsWorktree: z.boolean(),
  agent: str,
  argv: z.array(z.string()).min(1),
  command: z.array(z.string()).min(1),
  env: z.record(z.string(), z.string()).optional(),
  agentSessionId: str.optional(),
  limits: z.object({ memory: z.number().optional(), cpu: z.number().optional() }).optional(),
  headless: z.enum(['stream-json', 'argv']).optional(),
  createdAt: str,
  tmuxSession: str,
  lastSeen: str,
});

const RECORD_FILE = /^([0-9a-f]{1,64})\.json$/;

export async function recordsDir(ctx: HostContext): Promise<string> {
  return posix.join(await ctx.home(), 'sessions');
}

/** Flags Orchard adds to an agent's argv per session (each followed by its value). */
const PER_SESSION_FLAGS = new Set(['--session-id', '--resume', '--settings']);

/** The agent's own command: argv without Orchard's per-session flags and their values. */
export function baseCommand(argv: readonly string[], agentSessionId: string | undefined): string[] {
  if (!agentSessionId) return [...argv];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (PER_SESSION_FLAGS.has(argv[i]!) && i + 1 < argv.length) i++;
    else out.push(argv[i]!);
  }
  return out;
}

/** What a spawn (or a resume, which carries the earlier record's base and command) is about to start. */
export interface RecordSource {
  spec: NewSessionSpec;
  plan: { create?: { base: string } };
  limits?: ResourceLimits | undefined;
  resumes?: Pick<SessionRecord, 'base' | 'command'> | undefined;
}

/** Built before the limits placement prefixes spec.argv: the record keeps the agent's own argv. */
export function recordOf(p: RecordSource): SessionRecord {
  const t = p.spec.tags;
  const sid = t['@orchard_agent_session'] || undefined;
  const { ORCHARD_SESSION_ID: _id, ...env } = p.spec.env;
  const base = p.resumes ? p.resumes.base : p.plan.create?.base;
  const limits = p.limits && (p.limits.memory || p.limits.cpu) ? { ...p.limits } : undefined;
  return {
    v: 1,
    id: t['@orchard_id']!,
    repo: t['@orchard_repo']!,
    repoPath: t['@orchard_repo_path']!,
    branch: t['@orchard_branch']!,
    worktree: t['@orchard_worktree']!,
    ...(base ? { base } : {}),
    ownsWorktree: t['@orchard_owns_worktree'] === '1',
    agent: t['@orchard_agent']!,
    argv: [...p.spec.argv],
    command: p.resumes?.command ?? baseCommand(p.spec.argv, sid),
    ...(Object.keys(env).length ? { env } : {}),
    ...(sid ? { agentSessionId: sid } : {}),
    ...(limits ? { limits } : {}),
    ...(t['@orchard_headless'] === 'stream-json' || t['@orchard_headless'] === 'argv'
      ? { headless: t['@orchard_headless'] }
      : {}),
    createdAt: t['@orchard_created'] || new Date().toISOString(),
    tmuxSession: p.spec.name,
    lastSeen: new Date().toISOString(),
  };
}

/** 0600: the profile's environment may hold a token. */
export async function writeRecord(ctx: HostContext, rec: SessionRecord): Promise<void> {
  const file = posix.join(await recordsDir(ctx), `${rec.id}.json`);
  await ctx.host.writeFile(file, JSON.stringify(rec, null, 2) + '\n', 0o600);
}

export async function removeRecord(ctx: HostContext, id: string): Promise<void> {
  if (!/^[0-9a-f]{1,64}$/.test(id)) return;
  await ctx.host.exec(['rm', '-f', '--', posix.join(await recordsDir(ctx), `${id}.json`)]);
}

/**
 * Every record and its mtime in ONE exec, whatever their number: awk prints each file behind a
 * \x1e name \x1f header (JSON.stringify escapes control characters, so they never occur inside a
 * valid record), then \x1d, then one `stat` line per file (GNU, else BSD syntax). With a tmux
 * socket name in $2, the records of the sessions that server has are touched first (their
 * lastSeen), in the same exec: one `tmux list-sessions` and one `touch`.
 */
const READ_SCRIPT = [
  'cd -- "$1" 2>/dev/null || exit 0',
  'if [ -n "$2" ]; then',
  '  s=$2; set --',
  '  for i in $(tmux -L "$s" -f /dev/null list-sessions -F \'#{@orchard_id}\' 2>/dev/null); do',
  '    case $i in *[!0-9a-f]*) ;; *) [ -f "$i.json" ] && set -- "$@" "$i.json" ;; esac',
  '  done',
  '  [ $# -eq 0 ] || touch -c -- "$@"',
  'fi',
  'set -- *.json',
  '[ -e "$1" ] || exit 0',
  `awk 'FNR==1{printf "\\036%s\\037", FILENAME} {print}' "$@"`,
  "printf '\\035'",
  'stat -c \'%Y %n\' -- "$@" 2>/dev/null || stat -f \'%m %N\' -- "$@"',
].join('\n');

export interface CorruptRecord {
  file: string;
  error: string;
}

export interface RecordsRead {
  records: SessionRecord[];
  corrupt: CorruptRecord[];
}

interface RecordFile {
  name: string;
  text: string;
  /** ms since the epoch, when known. */
  mtime?: number;
}

/** Pure: record files → records (lastSeen raised to the file's mtime) and the corrupt ones. */
export function parseRecordFiles(dir: string, files: readonly RecordFile[]): RecordsRead {
  const records: SessionRecord[] = [];
  const corrupt: CorruptRecord[] = [];
  for (const f of files) {
    const m = RECORD_FILE.exec(f.name);
    if (!m) continue;
    const file = posix.join(dir, f.name);
    // A crash between create and write on a non-atomic filesystem leaves an empty file.
    if (!f.text.trim()) {
      corrupt.push({ file, error: 'empty file' });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(f.text);
    } catch (e) {
      corrupt.push({ file, error: `not JSON (${(e as Error).message})` });
      continue;
    }
    const parsed = recordSchema.safeParse(value);
    if (!parsed.success || parsed.data.id !== m[1]) {
      const why = parsed.success ? 'its id does not match its name' : parsed.error.issues[0]?.message;
      corrupt.push({ file, error: `not a session record (${why ?? 'invalid'})` });
      continue;
    }
    const rec = parsed.data as SessionRecord;
    if (f.mtime && !(Date.parse(rec.lastSeen) >= f.mtime)) rec.lastSeen = new Date(f.mtime).toISOString();
    records.push(rec);
  }
  return { records, corrupt };
}

/** Pure: the read script's output (see READ_SCRIPT) → records and corrupt files. */
export function parseRecords(dir: string, out: string): RecordsRead {
  const [content = '', stats = ''] = out.split('\x1d');
  const files = new Map<string, RecordFile>();
  for (const line of stats.split('\n')) {
    const m = /^(\d+) (.+)$/.exec(line);
    if (m) files.set(m[2]!, { name: m[2]!, text: '', mtime: Number(m[1]) * 1000 });
  }
  for (const chunk of content.split('\x1e').slice(1)) {
    const cut = chunk.indexOf('\x1f');
    if (cut < 0) continue;
    const name = chunk.slice(0, cut);
    files.set(name, { ...files.get(name), name, text: chunk.slice(cut + 1) });
  }
  // awk prints nothing for an empty file: it is known from its stat line only, with no text.
  return parseRecordFiles(dir, [...files.values()]);
}

/** This machine: read with fs, no process at all. */
async function readLocalRecords(dir: string): Promise<RecordsRead> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => RECORD_FILE.test(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], corrupt: [] };
    throw e;
  }
  const files = await Promise.all(
    names.map(async (name): Promise<RecordFile | null> => {
      const path = join(dir, name);
      try {
        const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
        return { name, text, mtime: st.mtimeMs };
      } catch {
        return null; // removed meanwhile (a kill, a forget)
      }
    }),
  );
  return parseRecordFiles(
    dir,
    files.filter((f): f is RecordFile => f !== null),
  );
}

/**
 * Every record of the host: locally through fs, over SSH in ONE exec whatever their number. With
 * `touch` (see touchDue), that exec also refreshes the lastSeen of the sessions tmux has there.
 */
export async function readRecords(ctx: HostContext, touch = false): Promise<RecordsRead> {
  const dir = await recordsDir(ctx);
  if (ctx.host.name === LOCAL_HOST) return readLocalRecords(dir);
  const socket = touch ? ctx.tmux.socket : '';
  const r = await ctx.host.exec(['sh', '-c', READ_SCRIPT, 'orchard-records', dir, socket]);
  if (r.code !== 0 && !r.stdout)
    throw new Error(`cannot read session records in ${dir}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return parseRecords(dir, r.stdout);
}

/** How often the records of running sessions get their mtime (lastSeen) refreshed, per host. */
export const TOUCH_INTERVAL_MS = 30_000;
const touched = new WeakMap<HostContext, number>();

/** True at most once per TOUCH_INTERVAL_MS per host: time to refresh the running sessions' lastSeen. */
export function touchDue(ctx: HostContext, nowMs = Date.now()): boolean {
  if (nowMs - (touched.get(ctx) ?? 0) < TOUCH_INTERVAL_MS) return false;
  touched.set(ctx, nowMs);
  return true;
}

/** This machine: refresh the records' mtime (lastSeen) of running sessions, with fs. */
export async function touchLocalRecords(ctx: HostContext, ids: readonly string[]): Promise<void> {
  const dir = await recordsDir(ctx);
  const now = new Date();
  await Promise.all(ids.map((id) => utimes(join(dir, `${id}.json`), now, now).catch(() => undefined)));
}

const reported = new Set<string>();

/** A corrupt record is said once per process (on stderr), and skipped: it never breaks a listing. */
export function reportCorrupt(host: string, list: readonly CorruptRecord[]): void {
  for (const c of list) {
    const key = `${host}\0${c.file}\0${c.error}`;
    if (reported.has(key)) continue;
    reported.add(key);
    process.stderr.write(`orchard: skipped a corrupt session record on ${host}: ${c.file}: ${c.error}\n`);
  }
}

/** The records folder itself could not be read (permissions, a failing command): said once per host. */
export function reportUnreadable(host: string, error: string): void {
  const key = `${host}\0folder\0${error}`;
  if (reported.has(key)) return;
  reported.add(key);
  process.stderr.write(`orchard: cannot read the session records on ${host}: ${error}\n`);
}
