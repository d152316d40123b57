// The real OpenCode (pinned) against the mock Chat Completions API: see agents-scenario.ts.
import { realAgentSuite } from './agents-scenario.ts';

realAgentSuite('opencode', {
  native: { working: true, permission: true, question: true },
  quit: '/exit',
  // OpenCode 1.18 takes 20-60 s to show its prompt on a busy machine, and as long for a turn.
  bootMs: 100_000,
  turnMs: 60_000,
  testMs: 240_000,
  // Not solved yet: under this tier OpenCode 1.18.33 shows a blank screen for 100 s and never its
  // prompt (by hand, with the same environment, it starts in 10-20 s). Its screen model and plugin
  // signals are tested against its real screens and a real tmux pane (test/unit/agent-*.test.ts).
  knownBroken:
    'OpenCode 1.18.33 draws no prompt under the tier (blank screen for 100 s); see opencode.test.ts',
});
