// The real Codex CLI (pinned) against the mock Responses API: see agents-scenario.ts.
import { realAgentSuite } from './agents-scenario.ts';

realAgentSuite('codex', {
  // Codex's notify says only "turn complete"; the rest is read from its screen.
  native: { working: false, permission: false, question: false },
  // request_user_input is offered in Plan mode (shift+tab).
  questionKeys: ['BTab'],
  firstStart: 'trust',
  quit: '/quit',
  // Two `codex app-server` daemons per Codex home, in sessions of their own (setsid), started
  // ~4 s after a plain `codex`; none with Orchard's `-c notify=…` (measured: 0 in 10 s).
  daemons: /\bapp-server\b/,
  bootMs: 30_000,
  turnMs: 20_000,
});
