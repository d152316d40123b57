// Gemini CLI's native signals: its hooks (https://geminicli.com/docs/hooks/), registered in a
// settings file under Orchard's folder that Gemini CLI reads as its system settings
// (GEMINI_CLI_SYSTEM_SETTINGS_PATH): nothing is written into the worktree or into ~/.gemini, and
// the user's own hooks still run (hook lists are concatenated across settings scopes). System-scope
// hooks are not project hooks: they run in a folder not yet trusted too.
//
//   BeforeAgent, AfterTool → working      BeforeTool → working, or waiting(question) for ask_user
//   Notification(ToolPermission) → waiting(permission, the command / file), unless a question is up
//   (ask_user fires one too)
//   AfterAgent → idle                     SessionEnd → exited
//
// SessionStart says nothing: it fires while the trust or auth dialog may still be up (the screen
// model reads those as waiting(setup)). A machine-wide system settings file, if the host has one,
// is not read while this one is (Gemini CLI takes one system settings path).
import { shJoin } from '../util/quote.ts';
import { SH_FIELD, SH_SET_STATE } from './signal-shell.ts';
import type { AgentSignals } from './signals.ts';

export const GEMINI_HOOK_FILE = 'gemini-hook.sh';
export const GEMINI_SETTINGS_FILE = 'gemini-system-settings.json';

export const GEMINI_EVENTS = [
  'BeforeAgent',
  'BeforeTool',
  'AfterTool',
  'Notification',
  'AfterAgent',
  'SessionEnd',
] as const;

export const GEMINI_HOOK_SCRIPT = `#!/bin/sh
# Orchard: Gemini CLI's hooks. $1 is the event; its JSON comes on stdin. Prints nothing (no
# decision), never fails the agent.
[ -n "$TMUX_PANE" ] || exit 0
j=$(cat)
${SH_FIELD}
${SH_SET_STATE}
case "$1" in
  BeforeAgent|AfterTool) set_state working "" "" ;;
  BeforeTool) if [ "$(field tool_name)" = ask_user ]; then set_state waiting question "$(field question)"; else set_state working "" ""; fi ;;
  Notification) [ "$(field notification_type)" = ToolPermission ] || exit 0
    # ask_user asks for a confirmation too: its question (set by BeforeTool) stays.
    [ "$(tmux display-message -p -t "$TMUX_PANE" '#{@orchard_reason}')" != question ] || exit 0
    d=$(field command); [ -n "$d" ] || d=$(field fileName); [ -n "$d" ] || d=$(field filePath); [ -n "$d" ] || d=$(field message)
    set_state waiting permission "$d" ;;
  AfterAgent) set_state idle "" "" ;;
  SessionEnd) set_state exited "" "" ;;
esac >/dev/null 2>&1
exit 0
`;

export function geminiSettings(script: string): Record<string, unknown> {
  const hooks: Record<string, unknown> = {};
  for (const e of GEMINI_EVENTS)
    hooks[e] = [
      {
        ...(e === 'BeforeTool' || e === 'AfterTool' ? { matcher: '*' } : {}),
        hooks: [{ type: 'command', name: `orchard-${e}`, command: shJoin(['sh', script, e]) }],
      },
    ];
  return { hooks };
}

export function geminiSignals(hooksDir: string): AgentSignals {
  const script = `${hooksDir}/${GEMINI_HOOK_FILE}`;
  const settings = `${hooksDir}/${GEMINI_SETTINGS_FILE}`;
  return {
    files: [
      { path: script, content: GEMINI_HOOK_SCRIPT },
      { path: settings, content: JSON.stringify(geminiSettings(script), null, 2) + '\n' },
    ],
    args: [],
    env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: settings },
    signals: ['hooks: BeforeAgent, BeforeTool, AfterTool, Notification, AfterAgent, SessionEnd'],
  };
}
