// The real Claude Code for the `agents` test tier: where its binary is, and a HOME of its own,
// pre-seeded so no onboarding blocks (theme, the API key approved, the auto-mode offer seen, the
// given folders trusted), with permissions.defaultMode "default" so tools ask, and a short idle
// notification (messageIdleNotifThresholdMs: Claude Code's own setting, 60 s by default) so the
// "idle_prompt is not waiting" check does not take a minute.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The version the tier pins (.ci/run installs it; the screen fixtures come from it). */
export const CLAUDE_VERSION = '2.1.332';
export const DEFAULT_CLAUDE_BIN = join(homedir(), '.cache/orchard-agents/claude/node_modules/.bin/claude');

/**
 * The binary, or why the tier cannot run (missing, or not the pinned version: the screens it is
 * checked against are that version's). In CI (CI=true) the tier then fails instead of skipping.
 */
export function findClaude(): { bin: string } | { missing: string } {
  const bin = process.env.ORCHARD_CLAUDE_BIN || DEFAULT_CLAUDE_BIN;
  if (existsSync(bin)) {
    let version = '';
    try {
      version = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
    } catch (e) {
      return { missing: `${bin} --version failed: ${(e as Error).message}` };
    }
    if (!version.startsWith(`${CLAUDE_VERSION} `))
      return { missing: `${bin} is Claude Code ${version}, the tier is pinned to ${CLAUDE_VERSION}` };
    return { bin };
  }
  return {
    missing:
      `real Claude Code not found at ${bin}: install it with ` +
      `npm install --prefix ~/.cache/orchard-agents/claude @anthropic-ai/claude-code@${CLAUDE_VERSION} ` +
      `(or point ORCHARD_CLAUDE_BIN at it)`,
  };
}

export const TEST_API_KEY = 'sk-ant-api03-orchard-test-key-000000000000000000';

export interface ClaudeHome {
  home: string;
  /** Every hook input Claude Code sent to the logging hook of the user settings, one JSON a line. */
  hookLog: string;
}

export function seedClaudeHome(
  dir: string,
  trusted: string[],
  idleNotifyMs: number,
  name = 'claude-home',
): ClaudeHome {
  const home = join(dir, name);
  const hookLog = join(dir, `${name}-hooks.jsonl`);
  mkdirSync(join(home, '.claude'), { recursive: true });
  writeFileSync(
    join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: 'dark',
      numStartups: 1,
      customApiKeyResponses: { approved: [TEST_API_KEY.slice(-20)], rejected: [] },
      messageIdleNotifThresholdMs: idleNotifyMs,
      hasSeenAutoDefaultNudge: true,
      hasResetAutoModeOptInForDefaultOffer: true,
      lastReleaseNotesSeen: CLAUDE_VERSION,
      officialMarketplaceAutoInstallAttempted: true,
      projects: Object.fromEntries(
        trusted.map((p) => [p, { hasTrustDialogAccepted: true, allowedTools: [] }]),
      ),
    }),
  );
  const log = { type: 'command', command: `cat >> '${hookLog}'; echo >> '${hookLog}'` };
  writeFileSync(
    join(home, '.claude', 'settings.json'),
    JSON.stringify({
      permissions: { defaultMode: 'default' },
      hooks: { Notification: [{ hooks: [log] }] },
    }),
  );
  return { home, hookLog };
}

/**
 * The agent's environment: the seeded HOME, the mock API, no traffic to anywhere else. CI is
 * cleared: the agents take CI=true (which .ci/run sets for the tier's own checks) as "not a person
 * at a terminal" — Gemini CLI even goes headless — and a person's terminal is what Orchard gives them.
 */
export function claudeEnv(home: string, apiUrl: string): Record<string, string> {
  return {
    CI: '',
    HOME: home,
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: TEST_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
  };
}

/**
 * Remove a test env whose Claude Code may still be writing into its HOME: it goes on for a moment
 * after the tmux server is killed, so the removal is retried (20 × 250 ms).
 */
export async function cleanupAfterClaude(t: { cleanup(): void }): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      t.cleanup();
      return;
    } catch (e) {
      if (i >= 20) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
