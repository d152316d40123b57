// Codex's native signal: its `notify` program (config key `notify`, passed with `-c` on the command
// line: nothing is written into the worktree or into ~/.codex). Codex runs it with one JSON argument
// when a turn completes ({"type":"agent-turn-complete","thread-id",…,"input-messages",
// "last-assistant-message"}); that is the fast "idle". Everything else (working, an approval, a
// question, the trust and login dialogs) comes from the screen model (status/screens/codex.ts).
//
// Codex 0.171 also has Claude-style hooks (SessionStart, PreToolUse, PermissionRequest, Stop, …),
// but hooks that are not managed by an administrator must be reviewed and trusted in a dialog
// ("Hooks need review") before they run: that would put a new first-start dialog in front of every
// user, so Orchard does not register them. `notify` needs no review.
//
// Codex also completes a side "turn" of its own on the first prompt (the thread title, "Generate a
// concise, single-line task title …"), on another thread, possibly while the user's turn still
// runs: it is not the session's turn and is ignored.
import { SH_FIELD, SH_SET_STATE, tomlString } from './signal-shell.ts';
import type { AgentSignals } from './signals.ts';

export const CODEX_NOTIFY_FILE = 'codex-notify.sh';

/** Matches the prompt of Codex's own title request (one of its side turns). */
export const CODEX_SIDE_TURN = 'Generate a concise, single-line task title';

export const CODEX_NOTIFY_SCRIPT = `#!/bin/sh
# Orchard: Codex's notify program. $1 is the event's JSON. Never fails the agent.
[ -n "$TMUX_PANE" ] || exit 0
j=$1
${SH_FIELD}
${SH_SET_STATE}
case "$j" in *'"input-messages":["${CODEX_SIDE_TURN}'*) exit 0 ;; esac
case "$(field type)" in
  agent-turn-complete) set_state idle "" "" ;;
esac >/dev/null 2>&1
exit 0
`;

export function codexSignals(hooksDir: string): AgentSignals {
  const file = `${hooksDir}/${CODEX_NOTIFY_FILE}`;
  return {
    files: [{ path: file, content: CODEX_NOTIFY_SCRIPT }],
    args: ['-c', `notify=[${tomlString('sh')}, ${tomlString(file)}]`],
    env: {},
    signals: ['turn-complete → idle (notify)'],
  };
}
