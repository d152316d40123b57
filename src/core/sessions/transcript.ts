// Transcripts of interactive sessions: `tmux pipe-pane` feeds everything the pane prints to a fixed
// logger script on the session's host, which strips escape sequences and appends to
// <orchard home>/logs/<id>.log, rotating at a cap (the current file and one previous, `.1`). The
// pipe-pane command is constant: the script's path and the log's path are pane options expanded by
// tmux with its shell quoting (#{q:…}), so no path is ever spliced into a shell string. Logs are
// created 0600 in a 0700 folder and kept after the session ends (until `orchard gc`).
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { HostContext } from '../hosts/registry.ts';

/** Bytes per log file; a session keeps at most two (the current one and `.1`). */
export const TRANSCRIPT_CAP = 10 * 1024 * 1024;

/**
 * $1 = the log's path, $2 = the cap in bytes; the pane's output on stdin. awk strips CSI, OSC and
 * other escape sequences, carriage returns and other control characters, flushes every line (so
 * `orchard log --follow` sees it at once; mawk reads its pipe line by line only when interactive), and on reaching the cap moves the file to `.1` with a
 * constant command (the path comes from the environment, never from the command text).
 */
export const TRANSCRIPT_SCRIPT = String.raw`umask 077
ORCHARD_LOG=$1; export ORCHARD_LOG
n=$( (wc -c < "$1") 2>/dev/null || echo 0)
# mawk (Debian's awk) reads a pipe in blocks unless interactive: a line would wait for 4 KB more.
i=; case $(awk -W version 2>&1) in *mawk*) i='-W interactive' ;; esac
exec awk $i -v max="$2" -v n="$n" '
BEGIN { f = ENVIRON["ORCHARD_LOG"]; n = n + 0 }
{
  gsub(/\033\][^\007\033]*(\007|\033\\)/, "")
  gsub(/\033\[[0-9;?<=>!]*[ -\/]*[@-~]/, "")
  gsub(/\033[PX^_][^\033]*\033\\/, "")
  gsub(/\033[()*+#%][0-9A-Za-z@]/, "")
  gsub(/\033./, "")
  gsub(/[\001-\010\013-\037\177]/, "")
  print >> f
  fflush(f)
  n += length($0) + 1
  if (n >= max) { close(f); system("mv -f -- \"$ORCHARD_LOG\" \"$ORCHARD_LOG.1\""); n = 0 }
}'
`;

export interface TranscriptSpec {
  script: string;
  log: string;
  cap: number;
}

const written = new WeakMap<HostContext, Promise<string>>();

async function logsDir(ctx: HostContext): Promise<string> {
  return posix.join(await ctx.home(), 'logs');
}

/** The logger script on the host (written once per process) and the session's log path. */
export async function prepareTranscript(ctx: HostContext, id: string): Promise<TranscriptSpec> {
  let script = written.get(ctx);
  if (!script) {
    script = (async () => {
      const home = await ctx.home();
      const file = posix.join(home, 'bin', 'orchard-transcript.sh');
      await ctx.host.writeFile(file, TRANSCRIPT_SCRIPT, 0o700);
      const logs = await logsDir(ctx);
      const r = await ctx.host.exec([
        'sh',
        '-c',
        'mkdir -p -- "$1" && chmod 700 -- "$1"',
        'orchard-logs',
        logs,
      ]);
      if (r.code !== 0)
        throw new OrchardError(
          'command-failed',
          `cannot create ${logs} on ${ctx.host.name}: ${r.stderr.trim()}`,
        );
      return file;
    })();
    script.catch(() => written.delete(ctx));
    written.set(ctx, script);
  }
  return { script: await script, log: posix.join(await logsDir(ctx), `${id}.log`), cap: TRANSCRIPT_CAP };
}

/** The log of session `id` on this host (current and previous file, oldest first), or null. */
export async function readTranscript(ctx: HostContext, id: string): Promise<string | null> {
  const log = posix.join(await logsDir(ctx), `${id}.log`);
  const r = await ctx.host.exec([
    'sh',
    '-c',
    '[ -e "$1" ] || [ -e "$1.1" ] || exit 3; cat -- "$1.1" 2>/dev/null; cat -- "$1" 2>/dev/null; exit 0',
    'orchard-log',
    log,
  ]);
  if (r.code === 3) return null;
  if (r.code !== 0)
    throw new OrchardError('command-failed', `cannot read ${log} on ${ctx.host.name}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** argv that follows the log (GNU/busybox `tail -F` follows across rotation). */
export async function followArgv(ctx: HostContext, id: string, lines: number): Promise<string[]> {
  const log = posix.join(await logsDir(ctx), `${id}.log`);
  return ['tail', '-n', String(lines), '-F', '--', log];
}

/** Logs of sessions that no longer run, for `gc`: the paths on this host. */
export async function transcriptFiles(ctx: HostContext): Promise<string[]> {
  const r = await ctx.host.exec([
    'sh',
    '-c',
    'cd -- "$1" 2>/dev/null && ls -1 -- *.log *.log.1 2>/dev/null; exit 0',
    'orchard-logs',
    await logsDir(ctx),
  ]);
  return r.stdout.split('\n').filter(Boolean);
}

export interface TranscriptSource {
  readonly hosts: { names(): Promise<string[]>; get(name: string): Promise<HostContext> };
  find(id: string): Promise<{ host: string }>;
}

/** A session id's shape, checked before it names any file (anything else is no session). */
export function checkSessionId(id: string): void {
  if (!/^[0-9a-f]{1,64}$/i.test(id))
    throw new OrchardError('session-not-found', `no session with id ${JSON.stringify(id)}`);
}

/** The first host for which `holds` says yes (unreachable hosts say no), or null. */
export async function hostHolding(
  hosts: TranscriptSource['hosts'],
  holds: (ctx: HostContext) => Promise<boolean>,
): Promise<HostContext | null> {
  const found = await Promise.all(
    (await hosts.names()).map(async (name) => {
      try {
        const ctx = await hosts.get(name);
        return (await holds(ctx)) ? ctx : null;
      } catch {
        return null;
      }
    }),
  );
  return found.find((c) => c !== null) ?? null;
}

/**
 * The host that holds session `id`'s transcript: the session's own host while it is listed, else
 * any host that has the log (the session was killed; logs stay until gc).
 */
export async function transcriptHost(src: TranscriptSource, id: string): Promise<HostContext> {
  checkSessionId(id);
  try {
    return await src.hosts.get((await src.find(id)).host);
  } catch (e) {
    if (!(e instanceof OrchardError) || e.code !== 'session-not-found') throw e;
    const ctx = await hostHolding(src.hosts, async (c) => (await readTranscript(c, id)) !== null);
    if (!ctx) throw new OrchardError('session-not-found', `no session or transcript with id ${id}`);
    return ctx;
  }
}

/** Lines of a transcript, filtered (`grep`, a JavaScript regular expression) and cut to the last `tail`. */
export function selectLines(text: string, opts: { grep?: RegExp; tail?: number }): string[] {
  let lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (opts.grep) lines = lines.filter((l) => opts.grep!.test(l));
  if (opts.tail !== undefined) lines = lines.slice(Math.max(0, lines.length - opts.tail));
  return lines;
}
