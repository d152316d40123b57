// The real OpenCode (pinned) against the mock Chat Completions API: see agents-scenario.ts.
import { realAgentSuite } from './agents-scenario.ts';

realAgentSuite('opencode', {
  native: { working: true, permission: true, question: true },
  quit: '/exit',
  bootMs: 60_000,
  turnMs: 45_000,
});
