// The real OpenCode (pinned) against the mock Chat Completions API: see agents-scenario.ts.
import { realAgentSuite } from './agents-scenario.ts';

realAgentSuite('opencode', {
  native: { working: true, permission: true, question: true },
  firstStart: null,
  quit: '/exit',
  // OpenCode 1.18 takes 20-60 s to show its prompt on a busy machine, and as long for a turn.
  bootMs: 100_000,
  turnMs: 60_000,
  testMs: 240_000,
});
