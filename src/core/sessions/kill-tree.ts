// Ending a session's whole process tree. tmux kill-session hangs up the pane's process group, but
// an agent may start daemons in sessions of their own (Codex 0.171 starts two `codex app-server`
// daemons per Codex home with setsid): they survive the hang-up and are re-parented to init. So,
// BEFORE the tmux session is killed, the tree is walked (parent links from one `ps`) from the
// pane's process and from every process that carries the session's ORCHARD_SESSION_ID in its
// environment (Linux /proc: a daemon already re-parented to init, e.g. after the agent exited, is
// still found by it): every one of them, whatever its process group or session, gets SIGTERM, and
// what is still alive a moment later SIGKILL. One exec on the host (local or over SSH), POSIX sh +
// ps + awk (+ grep over /proc where there is one).
//
// A Codex daemon serves every Codex of the same Codex home: one started by this session is ended
// with it, and another session's Codex starts its own again (or an embedded server) when it needs
// one.
import type { HostContext } from '../hosts/registry.ts';

/**
 * $1 = the root pid, $2 = the session id; prints "<pid> <command>" for each process of the tree (root first), then
 * TERMs them all, waits up to ~2 s for them to go, and KILLs the rest ("killed <pid>" each).
 */
export const KILL_TREE_SCRIPT = String.raw`roots=$1
if [ -n "$2" ] && [ -d /proc/self ]; then
  for f in $(grep -l -a -F "ORCHARD_SESSION_ID=$2" /proc/[0-9]*/environ 2>/dev/null); do
    p=${'$'}{f#/proc/}; roots="$roots ${'$'}{p%/environ}"
  done
fi
tree=$(ps -A -o pid= -o ppid= -o comm= 2>/dev/null | awk -v roots="$roots" -v self="$$" -v caller="$PPID" '
  { pid[NR] = $1; par[NR] = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); cmd[NR] = $0; n = NR }
  END {
    k = split(roots, r, " "); for (j = 1; j <= k; j++) if (r[j] != self && r[j] != caller) want[r[j]] = 1
    grew = 1
    while (grew) { grew = 0; for (i = 1; i <= n; i++) if (!(pid[i] in want) && (par[i] in want) && pid[i] != self && pid[i] != caller) { want[pid[i]] = 1; grew = 1 } }
    for (i = 1; i <= n; i++) if ((pid[i] in want) && pid[i] != self && par[i] != self) print pid[i], cmd[i]
  }')
[ -n "$tree" ] || exit 0
printf '%s\n' "$tree"
pids=$(printf '%s\n' "$tree" | awk '{ print $1 }')
kill -TERM $pids 2>/dev/null
i=0
while [ $i -lt 20 ]; do
  alive=
  # A zombie (ended, not yet reaped: init in a container may never reap) is not alive.
  for p in $pids; do case "$(ps -o stat= -p "$p" 2>/dev/null)" in '' | Z*) ;; *) alive="$alive $p" ;; esac; done
  [ -n "$alive" ] || exit 0
  sleep 0.1; i=$((i + 1))
done
for p in $alive; do kill -KILL "$p" 2>/dev/null && echo "killed $p"; done
exit 0`;

export interface TreeKill {
  /** The processes that were in the tree ("pid command"), the pane's own first. */
  processes: { pid: number; command: string }[];
  /** Pids that needed SIGKILL (did not end on SIGTERM within ~2 s). */
  forced: number[];
}

export function parseTreeKill(stdout: string): TreeKill {
  const processes: TreeKill['processes'] = [];
  const forced: number[] = [];
  for (const line of stdout.split('\n')) {
    const k = /^killed (\d+)$/.exec(line);
    if (k) {
      forced.push(Number(k[1]));
      continue;
    }
    const m = /^(\d+) (.*)$/.exec(line);
    if (m) processes.push({ pid: Number(m[1]), command: m[2]!.trim() });
  }
  return { processes, forced };
}

/** End the session's processes (the tree from its pane's `pid`, and its daemons); what was ended. */
export async function killProcessTree(ctx: HostContext, pid: number, sessionId: string): Promise<TreeKill> {
  if (!Number.isInteger(pid) || pid <= 1) return { processes: [], forced: [] };
  const r = await ctx.host.exec(['sh', '-c', KILL_TREE_SCRIPT, 'sh', String(pid), sessionId]);
  return parseTreeKill(r.stdout);
}
