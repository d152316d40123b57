// Headless sessions (`spawn --headless`): the agent runs without a terminal UI (Claude Code print
// mode with stream-json in and out), still in its own worktree and tmux session, so it survives the
// app and is listed like any other. A fixed sh wrapper on the session's host feeds the agent's stdin
// from a FIFO <orchard home>/pipes/<id>/in and appends its stdout to <id>/out.jsonl, while a tiny
// awk filter turns the stream into the pane's state (the same @orchard_* options the hooks write):
// a user/assistant message → working, a result → idle, or waiting when permissions were denied or
// the turn failed. The wrapper holds the FIFO open read-write on fd 3 (Linux and the BSDs allow it):
// the agent never reads EOF between writers, and the FIFO has a reader exactly while the agent
// runs, so a writer can tell "not running" at once (O_NONBLOCK open → ENXIO). Folders 0700, files 0600.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { HeadlessEventsResult } from '../../shared/headless.ts';
import { LOCAL_HOST, type AgentProfile, type HeadlessSpec, type SessionInfo } from '../../shared/model.ts';
import { HEADLESS } from '../agents/profiles.ts';
import type { HostContext } from '../hosts/registry.ts';
import type { NewSessionSpec } from '../tmux/tmux.ts';
import { parseEventLines } from './headless-events.ts';

/**
 * $1 = the session's pipes folder, then the agent's argv. A first message (one JSON line in the
 * folder's `prompt` file, 0600) goes into the FIFO before the agent starts, so it is read first, and
 * only once: a resumed session does not get it again. The state
 * filter prints "<state> <detail>" lines that a shell loop hands to tmux as argv values (the detail
 * is the agent's data: it never becomes part of a command). The message's type is its first key,
 * except in Claude Code's result, where "type":"result" comes late (seen in 2.1.332) but only once. Exit status: the agent's. The agent
 * itself runs with the user's umask; only Orchard's files are private.
 */
export const HEADLESS_SCRIPT = String.raw`u=$(umask); umask 077
d=$1; shift
[ -p "$d/in" ] || { mkdir -p -- "$d" && chmod 700 -- "$(dirname -- "$d")" "$d" && rm -f -- "$d/in" && mkfifo -- "$d/in"; } || exit 125
ORCHARD_OUT=$d/out.jsonl; export ORCHARD_OUT
rm -f -- "$d/exit"
i=; case $(awk -W version 2>&1) in *mawk*) i='-W interactive' ;; esac
st() { tmux set-option -p -t "$TMUX_PANE" @orchard_state "$1" \; set-option -p -t "$TMUX_PANE" @orchard_reason "$2" \; set-option -p -t "$TMUX_PANE" @orchard_detail "$3" \; set-option -p -t "$TMUX_PANE" @orchard_state_at "$(date +%s)" >/dev/null 2>&1 || true; }
{
  exec 3<>"$d/in"
  if [ -f "$d/prompt" ]; then cat -- "$d/prompt" >&3; rm -f -- "$d/prompt"; fi
  (umask "$u"; exec "$@") <&3 3<&-
  echo "$?" > "$d/exit"
} | awk $i '
BEGIN { f = ENVIRON["ORCHARD_OUT"]; last = "" }
{
  print >> f
  fflush(f)
  t = ""
  if (match($0, /^\{ *"type": *"[A-Za-z_.]*"/)) { t = substr($0, RSTART, RLENGTH); sub(/^\{ *"type": *"/, "", t); sub(/"$/, "", t) }
  else if ($0 ~ /"type": *"result"/) t = "result"
  d = ""
  if (t == "assistant") {
    # Remember what each tool call is for ("Write notes.txt"), for a denial that names only its id.
    x = $0
    while (match(x, /"type": *"tool_use", *"id": *"[^"\\]*", *"name": *"[^"\\]*"/)) {
      y = substr(x, RSTART, RLENGTH); x = substr(x, RSTART + RLENGTH)
      id = y; sub(/^.*"id": *"/, "", id); sub(/".*$/, "", id)
      n = y; sub(/^.*"name": *"/, "", n); sub(/"$/, "", n)
      z = x; sub(/"type": *"tool_use".*$/, "", z); g = ""
      if (match(z, /"(file_path|notebook_path|command|pattern|url|path)": *"[^"\\]*/)) { g = substr(z, RSTART, RLENGTH); sub(/^"[a-z_]*": *"/, "", g); g = " " g }
      what[id] = n g
    }
  }
  if (t == "system" && $0 ~ /^\{ *"type": *"system", *"subtype": *"permission_denied"/) {
    s = "permission"
    if (match($0, /"tool_use_id": *"[^"\\]*"/)) { id = substr($0, RSTART, RLENGTH); sub(/^"tool_use_id": *"/, "", id); sub(/"$/, "", id); d = what[id] }
    if (d == "" && match($0, /"tool_name": *"[^"\\]*"/)) { d = substr($0, RSTART, RLENGTH); sub(/^"tool_name": *"/, "", d); sub(/"$/, "", d) }
  }
  else if (t == "user" || t == "assistant" || t == "turn.started" || t ~ /^item\./) s = "working"
  else if (t == "result" || t == "turn.completed" || t == "turn.failed") {
    s = "idle"
    if ($0 ~ /"permission_denials": *\[ *\{/) {
      s = "permission"; x = $0; sub(/.*"permission_denials": *\[ *\{/, "", x)
      if (match(x, /"tool_name": *"[^"\\]*"/)) { d = substr(x, RSTART, RLENGTH); sub(/^"tool_name": *"/, "", d); sub(/"$/, "", d) }
      if (match(x, /"(file_path|notebook_path|command|pattern|url|path)": *"[^"\\]*/)) { y = substr(x, RSTART, RLENGTH); sub(/^"[a-z_]*": *"/, "", y); d = d " " y }
    } else if (t == "turn.failed" || $0 ~ /"is_error": *true/) s = "error"
  } else next
  if (s == "working" && last == "working") next
  last = s
  gsub(/[\001-\037\177]/, " ", d)
  d = substr(d, 1, 100)
  sub(/[;\\ ]+$/, "", d)
  print s " " d
  fflush()
}' | while read -r s v; do
  case $s in
    working|idle) st "$s" "" "" ;;
    permission) st waiting permission "$v" ;;
    error) st error error "$v" ;;
  esac
done
c=$(cat "$d/exit" 2>/dev/null); [ -n "$c" ] || c=1
exit "$c"
`;

/**
 * $1 = the FIFO; the message on stdin. GNU dd opens it O_WRONLY|O_NONBLOCK: no reader fails at once
 * (ENXIO, exit 4). Without it (a dd that lacks oflag=nonblock) the writer opens it blocking in the
 * background and a timer ends the wait after two seconds, only while the open has not happened (the
 * marker file still exists): a message is never cut in half, and no channel is held forever.
 */
export const SEND_SCRIPT = String.raw`[ -p "$1" ] || exit 3
e=$(dd if=/dev/null of="$1" oflag=nonblock count=0 2>&1) || case $e in *'No such device or address'*) exit 4 ;; esac
m=$(mktemp) || exit 1
exec 5<&0
(exec 3>"$1"; rm -f -- "$m"; exec cat <&5 >&3 5<&-) &
w=$!
(sleep 2; [ ! -e "$m" ] || kill "$w") </dev/null >/dev/null 2>&1 &
k=$!
wait "$w"; c=$?
kill "$k" 2>/dev/null; rm -f -- "$m"
[ "$c" -lt 128 ] || exit 4
exit "$c"
`;

/** How the profile's agent runs headless, or an error saying it has no such mode. */
export function headlessSpec(profile: AgentProfile): HeadlessSpec {
  const spec = profile.headless === undefined ? HEADLESS[profile.kind] : profile.headless;
  if (!spec)
    throw new OrchardError(
      'invalid-argument',
      `agent profile ${profile.id} has no headless mode (set "headless" in its profile)`,
    );
  return spec;
}

/** One user message in Claude Code's stream-json input format, as one line. */
export function userMessage(text: string): string {
  return JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'text', text }] } });
}

export async function pipesDir(ctx: HostContext, id: string): Promise<string> {
  return posix.join(await ctx.home(), 'pipes', id);
}

/**
 * Turn a prepared spawn into a headless one: the pipes folder and FIFO made now (so a `send` right
 * after the spawn finds them), the agent's argv extended by the profile's headless arguments and
 * wrapped by HEADLESS_SCRIPT, the first prompt handed over.
 */
export async function prepareHeadless(
  ctx: HostContext,
  profile: AgentProfile,
  spec: NewSessionSpec,
  id: string,
  prompt: string | undefined,
): Promise<void> {
  const hs = headlessSpec(profile);
  if (hs.input === 'argv' && !prompt)
    throw new OrchardError(
      'invalid-argument',
      `${profile.label} runs headless with one prompt: give --prompt`,
    );
  const dir = await pipesDir(ctx, id);
  const r = await ctx.host.exec([
    'sh',
    '-c',
    'umask 077 && mkdir -p -- "$1" && chmod 700 -- "${1%/*}" "$1" && rm -f -- "$1/in" && mkfifo -- "$1/in"',
    'orchard-pipes',
    dir,
  ]);
  if (r.code !== 0)
    throw new OrchardError('command-failed', `cannot create ${dir} on ${ctx.host.name}: ${r.stderr.trim()}`);
  const n = profile.command.length;
  const agent = [
    ...spec.argv.slice(0, n),
    ...hs.args,
    ...spec.argv.slice(n),
    ...(hs.input === 'argv' && prompt ? [prompt] : []),
  ];
  spec.argv = ['sh', '-c', HEADLESS_SCRIPT, 'orchard-headless', dir, ...agent];
  if (hs.input === 'stream-json' && prompt)
    await ctx.host.writeFile(posix.join(dir, 'prompt'), userMessage(prompt) + '\n', 0o600);
  spec.tags['@orchard_headless'] = hs.input;
}

const notRunning = (id: string) =>
  new OrchardError('invalid-argument', `the agent of session ${id} is not running (nothing reads its pipe)`);

/** Local: open the FIFO O_WRONLY|O_NONBLOCK (no reader: ENXIO at once), write, retrying a full pipe. */
async function writeLocal(fifo: string, id: string, data: Buffer): Promise<void> {
  let fh;
  try {
    fh = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT') throw notRunning(id);
    throw e;
  }
  try {
    const end = Date.now() + 10_000;
    for (let off = 0; off < data.length;) {
      try {
        off += (await fh.write(data, off)).bytesWritten;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > end) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw notRunning(id);
    throw e;
  } finally {
    await fh.close();
  }
}

/**
 * Sends to one pipe from this process, one after the other: a pipe keeps writes whole only up to
 * PIPE_BUF (4 KB), so two long messages written at once could interleave into broken JSON.
 */
const writing = new Map<string, Promise<unknown>>();

/** Write one user message to a headless session's pipe; fails fast when its agent is not running. */
export function sendHeadless(ctx: HostContext, s: SessionInfo, text: string): Promise<void> {
  const key = `${ctx.host.name}\0${s.id}`;
  const run = (writing.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => sendNow(ctx, s, text));
  writing.set(key, run);
  void run.finally(() => writing.get(key) === run && writing.delete(key)).catch(() => undefined);
  return run;
}

async function sendNow(ctx: HostContext, s: SessionInfo, text: string): Promise<void> {
  if (s.headless === 'argv')
    throw new OrchardError('invalid-argument', `session ${s.id} runs one prompt and takes no more messages`);
  if (s.state === 'exited' || s.state === 'stopped') throw notRunning(s.id);
  const fifo = posix.join(await pipesDir(ctx, s.id), 'in');
  const data = Buffer.from(userMessage(text) + '\n');
  if (ctx.host.name === LOCAL_HOST) return writeLocal(fifo, s.id, data);
  const r = await ctx.host.exec(['sh', '-c', SEND_SCRIPT, 'orchard-send', fifo], {
    input: data,
    timeoutMs: 15_000,
  });
  if (r.code === 3 || r.code === 4) throw notRunning(s.id);
  if (r.code !== 0)
    throw new OrchardError(
      'command-failed',
      `cannot write to ${s.id}'s pipe on ${ctx.host.name}: ${r.stderr.trim() || `exit ${r.code}`}`,
    );
}

/** At most this much of the log per read: a client pages through a long history. */
export const EVENTS_CHUNK = 4 * 1024 * 1024;

/** Events from byte `offset` of the session's out.jsonl (whole lines only), or null without a log. */
export async function readEvents(
  ctx: HostContext,
  id: string,
  offset: number,
  max = EVENTS_CHUNK,
): Promise<Omit<HeadlessEventsResult, 'running'> | null> {
  const file = posix.join(await pipesDir(ctx, id), 'out.jsonl');
  const r = await ctx.host.exec([
    'sh',
    '-c',
    '[ -e "$1" ] || exit 3; tail -c +"$2" -- "$1" | head -c "$3"',
    'orchard-events',
    file,
    String(offset + 1),
    String(max),
  ]);
  if (r.code === 3) return null;
  if (r.code !== 0)
    throw new OrchardError('command-failed', `cannot read ${file} on ${ctx.host.name}: ${r.stderr.trim()}`);
  const end = r.stdout.lastIndexOf('\n') + 1;
  // A whole chunk without a line end: one message larger than a chunk. Stepped over (its rest reads
  // as a line that is not JSON), so the reader never stalls on it.
  if (end === 0 && Buffer.byteLength(r.stdout) >= max - 4)
    return {
      id,
      events: [{ kind: 'notice', text: `(a message over ${max} bytes, not shown)` }],
      offset: offset + max,
    };
  const whole = r.stdout.slice(0, end);
  return { id, events: parseEventLines(whole), offset: offset + Buffer.byteLength(whole) };
}

/** argv that prints the session's whole event log, then follows it (one streaming command). */
export async function followEventsArgv(ctx: HostContext, id: string): Promise<string[]> {
  return ['tail', '-n', '+1', '-F', '--', posix.join(await pipesDir(ctx, id), 'out.jsonl')];
}
