// The real Codex CLI (pinned) against the mock Responses API: see agents-scenario.ts.
import { realAgentSuite } from './agents-scenario.ts';

realAgentSuite('codex', {
  // Codex's notify says only "turn complete"; the rest is read from its screen.
  native: { working: false, permission: false, question: false },
  // request_user_input is offered in Plan mode (shift+tab).
  questionKeys: ['BTab'],
  quit: '/quit',
  bootMs: 30_000,
  turnMs: 20_000,
});
