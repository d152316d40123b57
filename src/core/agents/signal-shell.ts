// Shell pieces shared by the hook scripts of Codex and Gemini CLI (POSIX sh, sed and tmux only: the
// host may have no jq, node or python). They write the same pane options as Claude Code's hooks:
// @orchard_state, @orchard_reason, @orchard_detail, @orchard_state_at and @orchard_state_src=hook,
// in one tmux call, into the pane named by $TMUX_PANE (inherited from the pane, like $TMUX, the
// socket of Orchard's server). Values go to tmux as argv, never as a format or a shell string.

/**
 * `field KEY`: the string value of KEY in $j (JSON; the last one when KEY repeats), with its
 * escapes honoured: \\ and \" are first set aside (as \b and \q, which JSON strings do not carry
 * here) so the value ends at the real closing quote; \n \r \t become spaces, \uXXXX stays as is.
 * Cut to 160 characters, a trailing ';' or '\' dropped (tmux reads a lone trailing ';' as a
 * separator). POSIX sed only (GNU, BusyBox, BSD).
 */
export const SH_FIELD = String.raw`field() {
  printf '%s\n' "$j" | tr '\n' ' ' | sed 's/\\\\/\\b/g; s/\\"/\\q/g' |
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | head -n 1 |
    sed 's/\\q/"/g; s/\\[nrt]/ /g; s/\\\//\//g; s/\\b/\\/g' | cut -c1-160 | sed 's/[;\\]*$//'
}`;

export const SH_SET_STATE = String.raw`set_state() {
  tmux set-option -p -t "$TMUX_PANE" @orchard_state "$1" \; set-option -p -t "$TMUX_PANE" @orchard_reason "$2" \; set-option -p -t "$TMUX_PANE" @orchard_detail "$3" \; set-option -p -t "$TMUX_PANE" @orchard_state_at "$(date +%s)" \; set-option -p -t "$TMUX_PANE" @orchard_state_src hook
}`;

/** A JSON string as a TOML basic string (TOML's escapes are JSON's for what a path holds). */
export const tomlString = (s: string): string => JSON.stringify(s);
