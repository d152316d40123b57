// Cross-process locks for spawn, on the session's host: a directory made with an atomic `mkdir`
// under Orchard's folder there (ORCHARD_HOME locally, ~/.orchard over SSH), holding a record of its
// holder and of what the spawn is about to make. Two processes (the app and `orchard web`, two CLIs)
// spawning one branch are serialized by it; a holder that died (SIGKILL, power loss) leaves its
// record behind, and the next spawn takes the lock over together with the duty to undo what the
// dead one left half-made (see broken.ts).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { HostContext } from '../hosts/registry.ts';
import { noSpaceError, isNoSpace } from '../git/space.ts';

/** What an unfinished spawn may have made: enough to find it and undo it. */
export interface PendingSpawn {
  branch: string;
  /** The worktree path, set just BEFORE `git worktree add` starts (Orchard owns it from then on). */
  worktree?: string;
  /** This spawn creates the branch (`--new`, or a local branch for a remote one). */
  createdBranch?: boolean;
  /** The commit a created branch starts at: it is deleted again only while it still points there. */
  base?: string;
}

export interface SpawnRecord extends PendingSpawn {
  v: 1;
  /** Unique per taking of the lock, so a takeover can tell the record it judged from a new one. */
  nonce: string;
  machine: string;
  pid: number;
  /** The holder's process start time (/proc), so a reused pid is not taken for the holder. */
  pidStart?: string;
  startedAt: string;
  repoPath: string;
  /** Unfinished spawns whose lock this one took over: their leftovers are this spawn's to undo. */
  inherited?: PendingSpawn[];
  /** Its holder gave up undoing what it made (a failed rollback): the next spawn finishes the job. */
  abandoned?: boolean;
}

/** A holder on another machine that has not finished after this long is taken for dead. */
export const FOREIGN_STALE_MS = 15 * 60_000;
/** A lock folder with no record (its holder died between mkdir and the write) is stale after this. */
const EMPTY_STALE_S = 30;
const WAIT_STEP_MS = 150;
/** A live holder is waited for this long (a checkout of a large repo takes minutes). */
const DEFAULT_WAIT_MS = 5 * 60_000;

let machineIdCache: string | undefined;
export function machineId(): string {
  if (machineIdCache) return machineIdCache;
  for (const f of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(f, 'utf8').trim();
      if (id) return (machineIdCache = id);
    } catch {
      // next
    }
  }
  return (machineIdCache = `host:${hostname()}`);
}

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesised command name, which may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Is the holder of this record still at work? Certain on this machine; by age elsewhere. */
export function holderAlive(rec: SpawnRecord, nowMs = Date.now()): boolean {
  if (rec.abandoned) return false;
  if (rec.machine !== machineId()) return nowMs - Date.parse(rec.startedAt) < FOREIGN_STALE_MS;
  try {
    process.kill(rec.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(rec.pid);
  return !(rec.pidStart && start && start !== rec.pidStart);
}

const key = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 16);

/** The folder holding every lock of one repo on its host. */
export async function repoLockDir(ctx: HostContext, repoPath: string): Promise<string> {
  return posix.join(await ctx.home(), 'locks', key(repoPath));
}

// One round trip: the record (one JSON line), then "now mtime" of the lock folder (empty when gone).
const READ_SCRIPT =
  'cat -- "$1/record.json" 2>/dev/null; echo; ' +
  'printf "%s %s\\n" "$(date +%s)" "$(stat -c %Y -- "$1" 2>/dev/null || stat -f %m -- "$1" 2>/dev/null)"';

interface LockState {
  gone: boolean;
  record: SpawnRecord | null;
  ageS: number;
}

function parseRecord(line: string): SpawnRecord | null {
  try {
    const r = JSON.parse(line) as SpawnRecord;
    return r && r.v === 1 && typeof r.nonce === 'string' ? r : null;
  } catch {
    return null;
  }
}

async function readLock(ctx: HostContext, dir: string): Promise<LockState> {
  const r = await ctx.host.exec(['sh', '-c', READ_SCRIPT, 'orchard-lock', dir]);
  const lines = r.stdout.split('\n').filter((l) => l.length);
  const [now, mtime] = (lines.pop() ?? '').split(' ');
  if (!mtime) return { gone: true, record: null, ageS: 0 };
  const record = lines.length ? parseRecord(lines.join('')) : null;
  return { gone: false, record, ageS: Number(now) - Number(mtime) };
}

function stale(s: LockState): boolean {
  return s.record ? !holderAlive(s.record) : s.ageS > EMPTY_STALE_S;
}

// The record is written beside the lock first, then the lock is made and the record moved in: a
// kill leaves either no lock or a lock with its record (a lock without one would be judged stale
// only by its age). The record is read from stdin, which a dying parent may leave empty.
const MKDIR_SCRIPT =
  't="$1.$$.tmp"; { cat > "$t" && [ -s "$t" ]; } || { rm -f -- "$t"; exit 4; }; ' +
  'mkdir -- "$1" || { rm -f -- "$t"; exit 3; }; mv -- "$t" "$1/record.json"';

/** Take `dir` atomically, with `rec` inside; false when someone else holds it. */
async function tryMkdir(ctx: HostContext, dir: string, rec: SpawnRecord): Promise<boolean> {
  // LC_ALL=C: the "File exists" / "No space left" messages are matched below.
  const r = await ctx.host.exec(['sh', '-c', MKDIR_SCRIPT, 'orchard-lock', dir], {
    env: { LC_ALL: 'C' },
    input: JSON.stringify(rec) + '\n',
  });
  if (r.code === 0) return true;
  if (r.code === 3 && /exists/i.test(r.stderr)) return false;
  if (isNoSpace(r.stderr)) throw await noSpaceError(ctx.host, dir);
  throw new OrchardError('command-failed', `cannot create the spawn lock ${dir}: ${r.stderr.trim()}`);
}

async function removeDir(ctx: HostContext, dir: string): Promise<void> {
  // Renamed first (atomic), so no one ever sees a half-removed lock folder as a lock.
  await ctx.host.exec([
    'sh',
    '-c',
    'g="$1.gone-$2"; mv -- "$1" "$g" 2>/dev/null && rm -rf -- "$g"',
    'orchard-unlock',
    dir,
    randomBytes(4).toString('hex'),
  ]);
}

export class SpawnLock {
  record: SpawnRecord;
  readonly dir: string;
  private readonly ctx: HostContext;
  private released = false;
  constructor(ctx: HostContext, dir: string, record: SpawnRecord) {
    this.ctx = ctx;
    this.dir = dir;
    this.record = record;
  }

  /** Rewrite the record (atomically: a temp file in the lock folder, then rename). */
  async update(patch: Partial<SpawnRecord>): Promise<void> {
    const next = { ...this.record, ...patch };
    try {
      await this.ctx.host.writeFile(posix.join(this.dir, 'record.json'), JSON.stringify(next) + '\n');
    } catch (e) {
      if (isNoSpace(String((e as Error).message))) throw await noSpaceError(this.ctx.host, this.dir);
      throw e;
    }
    this.record = next;
  }

  /** Leave the record for the next spawn of this branch to finish undoing (a rollback step failed). */
  async abandon(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.update({ abandoned: true }).catch(() => removeDir(this.ctx, this.dir));
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await removeDir(this.ctx, this.dir);
  }
}

export interface AcquireOptions {
  repoPath: string;
  /** The exact local branch name; undefined for the repo-wide lock around git's worktree records. */
  branch?: string;
  /** How long to wait for a live holder before giving up. */
  waitMs?: number;
  signal?: AbortSignal;
}

function busyError(what: string, rec: SpawnRecord | null): OrchardError {
  const who = rec
    ? ` (pid ${rec.pid}${rec.machine === machineId() ? '' : ' on another machine'}, since ${rec.startedAt})`
    : '';
  return new OrchardError('session-exists', `${what} is still in progress${who}; try again when it ends`);
}

/**
 * Take the lock, waiting for a live holder; a dead holder's lock is taken over in place (under a
 * short "break" lock, so two processes never both take it), inheriting its unfinished work.
 */
export async function acquireSpawnLock(ctx: HostContext, opts: AcquireOptions): Promise<SpawnLock> {
  const parent = await repoLockDir(ctx, opts.repoPath);
  const dir = posix.join(parent, opts.branch === undefined ? 'git' : key(opts.branch));
  const what =
    opts.branch === undefined
      ? `another spawn's change to the worktrees of ${opts.repoPath}`
      : `another spawn of ${JSON.stringify(opts.branch)}`;
  const mine = (): SpawnRecord => ({
    v: 1,
    nonce: randomBytes(8).toString('hex'),
    machine: machineId(),
    pid: process.pid,
    ...(processStart(process.pid) ? { pidStart: processStart(process.pid)! } : {}),
    startedAt: new Date().toISOString(),
    repoPath: opts.repoPath,
    branch: opts.branch ?? '',
  });
  try {
    await ctx.host.mkdirp(parent);
  } catch (e) {
    if (isNoSpace(String((e as Error).message))) throw await noSpaceError(ctx.host, parent);
    throw e;
  }
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_WAIT_MS);
  let last: LockState | null = null;
  for (;;) {
    if (opts.signal?.aborted) throw new OrchardError('command-failed', 'spawn interrupted while waiting');
    const rec = mine();
    if (await tryMkdir(ctx, dir, rec)) return new SpawnLock(ctx, dir, rec);
    const seen = await readLock(ctx, dir);
    if (!seen.gone) last = seen;
    if (!seen.gone && stale(seen)) {
      const taken = await takeOver(ctx, dir, seen, mine());
      if (taken) return taken;
    }
    if (Date.now() > deadline) throw busyError(what, last?.record ?? null);
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
}

async function takeOver(
  ctx: HostContext,
  dir: string,
  seen: LockState,
  rec: SpawnRecord,
): Promise<SpawnLock | null> {
  const breaker = `${dir}.break`;
  if (!(await tryMkdir(ctx, breaker, rec))) {
    const b = await readLock(ctx, breaker);
    if (!b.gone && stale(b)) await removeDir(ctx, breaker);
    return null;
  }
  try {
    const now = await readLock(ctx, dir);
    const same =
      now.record && seen.record ? now.record.nonce === seen.record.nonce : !now.record && !seen.record;
    if (now.gone || !same || !stale(now)) return null;
    const dead = now.record;
    const inherited: PendingSpawn[] = [
      ...(dead?.inherited ?? []),
      ...(dead && (dead.worktree || dead.createdBranch)
        ? [
            {
              branch: dead.branch,
              worktree: dead.worktree,
              createdBranch: dead.createdBranch,
              base: dead.base,
            },
          ]
        : []),
    ].map((p) => JSON.parse(JSON.stringify(p)) as PendingSpawn);
    const lock = new SpawnLock(ctx, dir, rec);
    await lock.update(inherited.length ? { inherited } : {});
    return lock;
  } finally {
    await removeDir(ctx, breaker);
  }
}

/** Every spawn record of a repo on its host (live and dead), for finding what dead spawns left. */
export async function readSpawnRecords(ctx: HostContext, repoPath: string): Promise<SpawnRecord[]> {
  const dir = await repoLockDir(ctx, repoPath);
  const r = await ctx.host.exec([
    'sh',
    '-c',
    // Branch locks only (16 hex characters): not the repo-wide "git" lock, nor .break/.gone-* folders.
    'for f in "$1"/????????????????/record.json; do [ -f "$f" ] && { cat -- "$f"; echo; }; done; exit 0',
    'orchard-locks',
    dir,
  ]);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(parseRecord)
    .filter((x): x is SpawnRecord => x !== null);
}

/**
 * Run `fn` holding the branch's lock (the one spawns take): a merge, a clean-up or gc never works on
 * a branch while another process spawns on it, and the other way round.
 */
export async function withBranchLock<T>(
  ctx: HostContext,
  repoPath: string,
  branch: string,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = await acquireSpawnLock(ctx, { repoPath, branch, waitMs: 60_000 });
  try {
    return await fn();
  } finally {
    await lock.release().catch(() => undefined);
  }
}
