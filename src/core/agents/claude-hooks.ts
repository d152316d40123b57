// Claude Code hooks that report the agent's state into its tmux pane (`@orchard_state`).
// The settings file is the same for every session (no data in it), lives under ORCHARD_HOME on the
// session's host and is passed with `--settings`: nothing is written into the user's worktree.
// Hooks inherit $TMUX (the socket of Orchard's server) and $TMUX_PANE from the pane.

type HookState = 'working' | 'waiting' | 'idle' | 'error' | 'exited';

function setState(state: HookState, reason?: string): string {
  // Fixed strings only. `|| true` so a hook never fails the agent's turn.
  const parts = [`tmux set-option -p -t "$TMUX_PANE" @orchard_state ${state}`];
  parts.push(`tmux set-option -p -t "$TMUX_PANE" @orchard_reason '${reason ?? ''}'`);
  parts.push(`tmux set-option -p -t "$TMUX_PANE" @orchard_state_at "$(date +%s)"`);
  return `[ -n "$TMUX_PANE" ] && { ${parts.join(' ; ')} ; } >/dev/null 2>&1 || true`;
}

// Notification: keep Claude's own message as the reason; read from the hook's JSON on stdin
// without jq, with sed, and set it as a literal value (tmux never expands it as a format).
const NOTIFICATION =
  `[ -n "$TMUX_PANE" ] && { msg=$(sed -n 's/.*"message"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p' | head -n 1); ` +
  `tmux set-option -p -t "$TMUX_PANE" @orchard_state waiting ; ` +
  `tmux set-option -p -t "$TMUX_PANE" @orchard_reason "input: \${msg}" ; ` +
  `tmux set-option -p -t "$TMUX_PANE" @orchard_state_at "$(date +%s)" ; } >/dev/null 2>&1 || true`;

function hook(command: string, matcher?: string) {
  return [{ ...(matcher !== undefined ? { matcher } : {}), hooks: [{ type: 'command', command }] }];
}

export function claudeSettings(): Record<string, unknown> {
  return {
    hooks: {
      SessionStart: hook(setState('idle')),
      UserPromptSubmit: hook(setState('working')),
      PreToolUse: hook(setState('working'), '*'),
      PostToolUse: hook(setState('working'), '*'),
      PermissionRequest: hook(setState('waiting', 'permission'), '*'),
      Notification: hook(NOTIFICATION),
      Stop: hook(setState('idle')),
      StopFailure: hook(setState('error')),
      SessionEnd: hook(setState('exited')),
    },
  };
}

export const CLAUDE_SETTINGS_FILE = 'claude-settings.json';
