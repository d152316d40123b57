// The real Gemini CLI (pinned) against the mock streamGenerateContent API: see agents-scenario.ts.
import { realAgentSuite } from './agents-scenario.ts';

realAgentSuite('gemini', {
  native: { working: true, permission: true, question: true },
  quit: '/quit',
  bootMs: 40_000,
  turnMs: 20_000,
});
