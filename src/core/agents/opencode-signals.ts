// OpenCode's native signals: a plugin (https://opencode.ai/docs/plugins/) that listens to its event
// stream, loaded from a file under Orchard's folder through OPENCODE_CONFIG_CONTENT (inline config,
// merged over the user's and the project's: their plugins still load). Nothing is written into the
// worktree or into ~/.config/opencode.
//
//   session.status busy → working        session.status idle / session.idle → idle
//   permission.asked → waiting(permission, "bash: touch x")      permission.replied → working
//   question.asked → waiting(question, its text)   question.replied / question.rejected → working
//   session.error → error (its message)
//
// Only the main session counts: a subagent's session (it has a parentID) going idle is not the
// user's turn ending. The plugin runs inside OpenCode (Bun): it calls tmux with an argv, never a
// shell string; a failure is swallowed (a plugin must never break the agent).
import { pathToFileURL } from 'node:url';
import type { AgentSignals } from './signals.ts';

export const OPENCODE_PLUGIN_FILE = 'orchard-opencode-plugin.js';

export const OPENCODE_PLUGIN = String.raw`// Orchard: OpenCode status plugin. Writes the session's state into its tmux pane.
import { execFile } from "node:child_process";

const pane = process.env.TMUX_PANE;
const children = new Set();
const cut = (s) => String(s ?? "").replace(/\s+/g, " ").trim().slice(0, 160).replace(/[;\\]+$/, "");

function setState(state, reason = "", detail = "") {
  if (!pane) return;
  const o = (k, v) => ["set-option", "-p", "-t", pane, k, v];
  const args = [
    ...o("@orchard_state", state), ";",
    ...o("@orchard_reason", reason), ";",
    ...o("@orchard_detail", cut(detail)), ";",
    ...o("@orchard_state_at", String(Math.floor(Date.now() / 1000))), ";",
    ...o("@orchard_state_src", "hook"),
  ];
  try {
    execFile("tmux", args, () => {});
  } catch {}
}

export const OrchardStatus = async () => ({
  event: async ({ event }) => {
    try {
      const p = event.properties ?? {};
      const info = p.info ?? {};
      if ((event.type === "session.created" || event.type === "session.updated") && info.parentID)
        children.add(info.id);
      if (p.sessionID && children.has(p.sessionID)) return;
      switch (event.type) {
        case "session.status":
          if (p.status?.type === "busy" || p.status?.type === "retry") setState("working");
          else if (p.status?.type === "idle") setState("idle");
          break;
        case "session.idle":
          setState("idle");
          break;
        case "permission.asked": {
          const what = [p.permission ?? p.type, (p.patterns ?? []).join(" ") || p.title].filter(Boolean).join(": ");
          setState("waiting", "permission", what);
          break;
        }
        case "question.asked":
          setState("waiting", "question", p.questions?.[0]?.question ?? "");
          break;
        case "permission.replied":
        case "question.replied":
        case "question.rejected":
          setState("working");
          break;
        case "session.error":
          setState("error", "error", p.error?.data?.message ?? p.error?.name ?? "error");
          break;
      }
    } catch {}
  },
});
`;

export function opencodeSignals(hooksDir: string): AgentSignals {
  const file = `${hooksDir}/${OPENCODE_PLUGIN_FILE}`;
  return {
    files: [{ path: file, content: OPENCODE_PLUGIN }],
    args: [],
    env: { OPENCODE_CONFIG_CONTENT: JSON.stringify({ plugin: [pathToFileURL(file).href] }) },
    signals: ['plugin: session.status, session.idle, permission.asked, question.asked, session.error'],
  };
}
