import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file uses its own tmux socket and temp dirs; two cores: keep parallelism modest.
          maxWorkers: 2,
        },
      },
      {
        test: {
          // The real Claude Code (pinned; .ci/run installs it, ORCHARD_CLAUDE_BIN points at it)
          // against a mock Anthropic API on 127.0.0.1. Skipped with a reason when the CLI is
          // missing, except in CI, where that fails.
          name: 'agents',
          include: ['test/realagent/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 60_000,
          maxWorkers: 1,
        },
      },
      {
        test: {
          name: 'component',
          include: ['test/component/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['test/component/setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Builds the renderer once, then drives Chromium against a real `orchard web`.
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
