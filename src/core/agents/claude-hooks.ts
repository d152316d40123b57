// Claude Code hooks that report the agent's state into its tmux pane: @orchard_state (starting,
// working, waiting, idle, error, exited), @orchard_reason (why it waits: permission, question,
// input), @orchard_detail (what for: `Bash git commit -m "fix: a; b"`, the question asked, the API
// error), @orchard_state_at, @orchard_state_src=hook and @orchard_mode (the permission mode the hook
// input carries). The settings file is the same for every session (no data in it), lives under
// ORCHARD_HOME on the session's host and is passed with `--settings`: nothing is written into the
// user's worktree. Hooks inherit $TMUX (the socket of Orchard's server) and $TMUX_PANE from the pane.
//
// Mapped by the hook input's fields, never by message text (Claude Code 2.1.332, seen live):
//   SessionStart(startup) → starting (first-run dialogs may still follow: the screen check decides);
//     other sources (resume, clear, compact) → idle
//   UserPromptSubmit, PostToolUse → working         Stop → idle        SessionEnd → exited
//   PreToolUse → working, but tool AskUserQuestion → waiting(question, its text)
//   PermissionRequest → waiting(permission, "<tool> <target>"), but AskUserQuestion (Claude Code
//     fires it ~50 ms after PreToolUse) → waiting(question) again, not permission
//   Notification by notification_type: permission_prompt → waiting(permission) unless the pane
//     already waits (it also fires for AskUserQuestion); elicitation_dialog → waiting(input, its
//     message); idle_prompt ("waiting for your input" after 60 s at the prompt) and any other type
//     → no state change
//   StopFailure → error, with last_assistant_message ("API Error: 400 …") or else the error field

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
 * A JSON string reader in POSIX awk (the host may have no jq, node or python: Claude Code is a
 * native binary). `keys`: space-separated groups, each printed on its own line as the decoded string
 * value of the first key of the group found ("a|b": a wins over b; "^a": only a key of the top
 * object). It tokenizes, so a key inside a string value never matches, and honours \" \\ \/ \n \t
 * \uXXXX (surrogate pairs too, written as UTF-8: run under LC_ALL=C so bytes stay bytes). Values come
 * out on one line (control characters → spaces), cut at `max` characters (default 100), a trailing
 * ';' written as '\;' (tmux reads a bare one as a command separator, see tmux/escape.ts). Reads at most 64 KiB of input
 * (a Write's content comes after its file_path). No single quote in it: it is quoted in the script.
 */
export const JSON_READER_AWK = String.raw`function hexval(h,  k, v, d) { v = 0; h = tolower(h); for (k = 1; k <= 4; k++) { d = index("0123456789abcdef", substr(h, k, 1)); if (!d) return -1; v = v * 16 + d - 1 } return v }
function utf8(c) {
  if (c < 32) return " "
  if (c < 128) return sprintf("%c", c)
  if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
  if (c < 65536) return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
  return sprintf("%c%c%c%c", 240 + int(c / 262144), 128 + int(c / 4096) % 64, 128 + int(c / 64) % 64, 128 + c % 64)
}
function clean(v,  out, k, ch, n) {
  gsub(/[\001-\037\177]/, " ", v); out = ""; n = 0
  for (k = 1; k <= length(v); k++) { ch = substr(v, k, 1); if (index(CONT, ch) == 0 && ++n > max) break; out = out ch }
  if (out ~ /;$/) out = substr(out, 1, length(out) - 1) "\\;"
  return out
}
function str(  out, w, e, c, lo) {
  out = ""; p++
  while (p <= L) {
    w = substr(s, p, 256)
    if (!match(w, /["\\]/)) { out = out w; p += length(w); continue }
    out = out substr(w, 1, RSTART - 1); p += RSTART - 1
    if (substr(s, p, 1) == "\"") { p++; return out }
    e = substr(s, p + 1, 1); p += 2
    if (e == "n" || e == "r" || e == "t") out = out " "
    else if (e == "u") {
      c = hexval(substr(s, p, 4)); p += 4
      if (c >= 55296 && c < 56320 && substr(s, p, 2) == "\\u") { lo = hexval(substr(s, p + 2, 4)); if (lo >= 56320 && lo < 57344) { c = 65536 + (c - 55296) * 1024 + lo - 56320; p += 6 } }
      if (c >= 0) out = out utf8(c)
    } else if (e != "b" && e != "f") out = out e
  }
  return out
}
BEGIN {
  for (k = 128; k < 192; k++) CONT = CONT sprintf("%c", k)
  if (max == "") max = 100
  G = split(keys, grp, " ")
  for (g = 1; g <= G; g++) { A = split(grp[g], alt, "|"); for (a = 1; a <= A; a++) { k = alt[a]; top = substr(k, 1, 1) == "^"; if (top) k = substr(k, 2); want[k] = g; rank[k] = a; topk[k] = top } }
}
{ if (length(s) < 65536) s = s substr($0, 1, 65536) "\n" }
END {
  L = length(s); p = 1; d = 0; key = ""
  while (p <= L) {
    w = substr(s, p, 256)
    if (!match(w, /[]["{},:]/)) { p += length(w); continue }
    p += RSTART - 1; c = substr(s, p, 1)
    if (c == "\"") {
      v = str(); q = p
      while (substr(s, q, 1) ~ /[ \t\r\n]/) q++
      if (substr(s, q, 1) == ":") { key = v; p = q + 1; continue }
      if (key in want && (!topk[key] || d == 1)) { g = want[key]; if (!(g in got) || rank[key] < gotrank[g]) { got[g] = v; gotrank[g] = rank[key] } }
      key = ""; continue
    }
    if (c == "{" || c == "[") d++
    else if (c == "}" || c == "]") d--
    key = ""; p++
  }
  for (g = 1; g <= G; g++) print clean(got[g])
}`;

/**
 * One constant script for every event ($e, set before it to a constant event name). The hook's
 * JSON comes on stdin and is read once by the awk reader; the fields go to tmux as plain argv values
 * (tmux never expands them as formats), all options in one tmux call. `|| true` everywhere: a hook
 * never fails the agent's turn.
 */
const HOOK_BODY = String.raw`[ -n "$TMUX_PANE" ] || exit 0
J='@@READER@@'
rd() { LC_ALL=C awk -v keys="$1" -v max="${'$'}{2:-100}" "$J"; }
set_state() {
  s=$1 r=$2 d=$3 now=$(date +%s)
  set -- set-option -p -t "$TMUX_PANE" @orchard_state "$s" \; set-option -p -t "$TMUX_PANE" @orchard_reason "$r" \; set-option -p -t "$TMUX_PANE" @orchard_detail "$d" \; set-option -p -t "$TMUX_PANE" @orchard_state_at "$now" \; set-option -p -t "$TMUX_PANE" @orchard_state_src hook
  [ -z "$m" ] || set -- "$@" \; set-option -p -t "$TMUX_PANE" @orchard_mode "$m"
  tmux "$@"
}
m=
case "$e" in
  SessionStart) { IFS= read -r src; IFS= read -r m; } <<EOF
$(rd '^source ^permission_mode')
EOF
    if [ "$src" = startup ]; then set_state starting "" ""; else set_state idle "" ""; fi ;;
  UserPromptSubmit|PostToolUse|Stop|SessionEnd) IFS= read -r m <<EOF
$(rd '^permission_mode')
EOF
    case "$e" in Stop) set_state idle "" "" ;; SessionEnd) set_state exited "" "" ;; *) set_state working "" "" ;; esac ;;
  PreToolUse|PermissionRequest) { IFS= read -r t; IFS= read -r m; IFS= read -r q; IFS= read -r x; } <<EOF
$(rd '^tool_name ^permission_mode question file_path|notebook_path|command|pattern|url|path')
EOF
    if [ "$t" = AskUserQuestion ]; then set_state waiting question "$q"
    elif [ "$e" = PreToolUse ]; then set_state working "" ""
    else set_state waiting permission "$(printf '%s %s' "$t" "$x" | sed 's/ *$//')"; fi ;;
  Notification) { IFS= read -r n; IFS= read -r msg; IFS= read -r m; } <<EOF
$(rd '^notification_type ^message ^permission_mode')
EOF
    case "$n" in
      permission_prompt) [ "$(tmux display-message -p -t "$TMUX_PANE" '#{@orchard_state}')" = waiting ] || set_state waiting permission "" ;;
      elicitation_dialog) set_state waiting input "$msg" ;;
      *) [ -z "$m" ] || tmux set-option -p -t "$TMUX_PANE" @orchard_mode "$m" ;;
    esac ;;
  StopFailure) { IFS= read -r msg; IFS= read -r err; IFS= read -r m; } <<EOF
$(rd '^last_assistant_message ^error ^permission_mode' 300)
EOF
    set_state error error "${'$'}{msg:-$err}" ;;
esac >/dev/null 2>&1 || true`.replace('@@READER@@', JSON_READER_AWK);

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
