// Claude Code hooks that report the agent's state into its tmux pane: @orchard_state (working,
// waiting, idle, error, exited), @orchard_reason (why it waits: permission, question, input) and
// @orchard_detail (what for: "Edit notes.txt", a notification's text). The settings file is the
// same for every session (no data in it), lives under ORCHARD_HOME on the session's host and is
// passed with `--settings`: nothing is written into the user's worktree. Hooks inherit $TMUX (the
// socket of Orchard's server) and $TMUX_PANE from the pane.
//
//   SessionStart, Stop → idle          UserPromptSubmit, PreToolUse, PostToolUse → working
//   PreToolUse(AskUserQuestion) → waiting(question)      PermissionRequest → waiting(permission)
//   Notification → waiting(permission) when it is about a permission, else waiting(input, its text)
//   StopFailure → error                SessionEnd → exited

export type HookEvent =
  | 'SessionStart'
  | 'UserPromptSubmit'
  | 'PreToolUse'
  | 'PostToolUse'
  | 'PermissionRequest'
  | 'Notification'
  | 'Stop'
  | 'StopFailure'
  | 'SessionEnd';

/**
 * One constant script for every event ($e, set before it to a constant event name). The hook's
 * JSON comes on stdin; fields are cut out with sed (no jq needed), shortened, and given to tmux as
 * plain argv values (tmux never expands them as formats). A trailing ';' or '\' is dropped: tmux
 * would read it as a command separator. `|| true` everywhere: a hook never fails the agent's turn.
 */
const HOOK_BODY = String.raw`[ -n "$TMUX_PANE" ] || exit 0
j=$(cat)
f() { printf '%s\n' "$j" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | head -n 1 | cut -c1-100 | sed 's/[;\\]*$//'; }
set_state() { tmux set-option -p -t "$TMUX_PANE" @orchard_state "$1" \; set-option -p -t "$TMUX_PANE" @orchard_reason "$2" \; set-option -p -t "$TMUX_PANE" @orchard_detail "$3" \; set-option -p -t "$TMUX_PANE" @orchard_state_at "$(date +%s)"; }
target() { for k in file_path notebook_path command pattern url path; do v=$(f "$k"); if [ -n "$v" ]; then printf '%s' "$v"; return; fi; done; }
case "$e" in
  SessionStart|Stop) set_state idle "" "" ;;
  UserPromptSubmit|PostToolUse) set_state working "" "" ;;
  PreToolUse) t=$(f tool_name); if [ "$t" = AskUserQuestion ]; then set_state waiting question "$(f question)"; else set_state working "" ""; fi ;;
  PermissionRequest) t=$(f tool_name); set_state waiting permission "$(printf '%s %s' "$t" "$(target)" | sed 's/ *$//')" ;;
  Notification) m=$(f message); case "$m" in
      *ermission*) tmux set-option -p -t "$TMUX_PANE" @orchard_state waiting \; set-option -p -t "$TMUX_PANE" @orchard_reason permission ;;
      *) set_state waiting input "$m" ;;
    esac ;;
  StopFailure) d=$(f error); [ -n "$d" ] || d=$(f message); set_state error error "$d" ;;
  SessionEnd) set_state exited "" "" ;;
esac >/dev/null 2>&1 || true`;

export function hookCommand(event: HookEvent): string {
  return `e=${event}\n${HOOK_BODY}`;
}

function hook(event: HookEvent, matcher?: string) {
  return [
    {
      ...(matcher !== undefined ? { matcher } : {}),
      hooks: [{ type: 'command', command: hookCommand(event) }],
    },
  ];
}

export function claudeSettings(): Record<string, unknown> {
  return {
    hooks: {
      SessionStart: hook('SessionStart'),
      UserPromptSubmit: hook('UserPromptSubmit'),
      PreToolUse: hook('PreToolUse', '*'),
      PostToolUse: hook('PostToolUse', '*'),
      PermissionRequest: hook('PermissionRequest', '*'),
      Notification: hook('Notification'),
      Stop: hook('Stop'),
      StopFailure: hook('StopFailure'),
      SessionEnd: hook('SessionEnd'),
    },
  };
}

export const CLAUDE_SETTINGS_FILE = 'claude-settings.json';
