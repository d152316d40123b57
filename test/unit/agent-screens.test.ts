// The screen models of Codex, Gemini CLI and OpenCode against their real screens (tmux
// capture-pane of the real CLIs, pinned versions, talking to test/realagent/mock-models.ts at 120
// columns). Every fixture has an expected verdict; a new fixture without one fails.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { agentScreenModel, SCREEN_MODEL_VERSIONS } from '../../src/core/status/screens/index.ts';
import type { ScreenVerdict } from '../../src/core/status/screens/verdict.ts';

const idle: ScreenVerdict = { state: 'idle' };
const working: ScreenVerdict = { state: 'working' };
const wait = (reason: 'permission' | 'question' | 'setup', detail: string): ScreenVerdict => ({
  state: 'waiting',
  reason,
  detail,
});

const EXPECTED: Record<'codex' | 'gemini' | 'opencode', Record<string, ScreenVerdict>> = {
  codex: {
    'trust-dialog': wait('setup', 'Trust this folder?'),
    'login-dialog': wait('setup', 'Sign in to Codex (choose how you want to use Codex)'),
    'prompt-idle': idle,
    // "◦ Working (1s • esc to interrupt)" above the composer.
    'turn-running': working,
    // The answer streams: no indicator, but no "Worked for" after the message yet.
    'turn-streaming': working,
    'permission-bash': wait('permission', 'Run: touch "ran file.txt"'),
    'permission-git': wait('permission', 'Run: git commit -m "fix: a; b"'),
    'approved-idle': idle,
    'permission-denied': idle,
    // "esc to interrupt" is the question's own footer, not a running turn.
    question: wait('question', 'Which database should we use?'),
    'question-answered': idle,
    'plan-mode-idle': idle,
    interrupted: idle,
  },
  gemini: {
    'trust-dialog': wait('setup', 'Do you trust the files in this folder?'),
    'auth-dialog': wait('setup', 'How would you like to authenticate for this project?'),
    'api-key-dialog': wait('setup', 'Enter Gemini API Key'),
    'prompt-idle': idle,
    'prompt-idle-after-turn': idle,
    // The spinner sits above the box whose placeholder reads like an idle prompt.
    'turn-running': working,
    'turn-streaming': working,
    // Paste and Enter in one write: Gemini dropped the Enter, the draft waits in the box.
    'draft-unsent': idle,
    'permission-bash': wait('permission', 'Shell: touch "ran file.txt"'),
    'approved-idle': idle,
    // "Esc to cancel" is the question's own hint.
    question: wait('question', 'Which database should we use'),
    'question-answered': idle,
    interrupted: idle,
  },
  opencode: {
    'prompt-idle-start': idle,
    // The start screen in a pane 50 rows tall: the box centred, 20+ blank lines below it.
    'prompt-idle-start-200x50': idle,
    'prompt-idle': idle,
    'turn-running': working,
    'turn-running-esc-once': working,
    'permission-bash': wait('permission', 'Shell command: touch "ran file.txt"'),
    // 200 columns: the sidebar (folder, version, context used) shares the dialog's rows.
    'permission-bash-200cols': wait('permission', 'Shell command: touch "ran file.txt"'),
    'approved-idle': idle,
    question: wait('question', 'Which database should we use?'),
    'question-200cols': wait('question', 'Which database should we use?'),
    'question-answered': idle,
    interrupted: idle,
  },
};

for (const agent of ['codex', 'gemini', 'opencode'] as const) {
  const dir = new URL(`../fixtures/screens/${agent}-${SCREEN_MODEL_VERSIONS[agent]}/`, import.meta.url);
  const judge = agentScreenModel(agent)!;

  test(`${agent}: every captured screen has its expected verdict`, () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const name = f.replace(/\.txt$/, '');
      const want = EXPECTED[agent][name];
      expect(want, `no expectation for ${agent}/${f}`).toBeDefined();
      expect(judge(readFileSync(new URL(f, dir), 'utf8')), `${agent}/${f}`).toEqual(want);
    }
    // Every expectation has its screen.
    expect(Object.keys(EXPECTED[agent]).sort()).toEqual(files.map((f) => f.replace(/\.txt$/, '')).sort());
  });

  test(`${agent}: a screen that matches nothing is unknown, never a stale verdict`, () => {
    expect(judge('')).toEqual({ state: 'unknown' });
    expect(judge('\n\n\n')).toEqual({ state: 'unknown' });
    expect(judge('$ make\ncc -o x x.c\nPane is dead (status 1)\n')).toEqual({ state: 'unknown' });
  });
}

test('the region that matters decides, not the lowest matching line', () => {
  const read = (agent: string, name: string) =>
    readFileSync(
      new URL(
        `../fixtures/screens/${agent}-${SCREEN_MODEL_VERSIONS[agent as 'codex']}/${name}.txt`,
        import.meta.url,
      ),
      'utf8',
    );
  // An old approval question and an old "esc to interrupt" in Codex's transcript above an idle
  // composer do not outvote it.
  const codexIdle = read('codex', 'prompt-idle').replace(
    '• Mock says: hello',
    '• Mock says: hello\n  Would you like to run the following command?\n  ◦ Working (1s • esc to interrupt)',
  );
  expect(agentScreenModel('codex')!(codexIdle)).toEqual(idle);
  // Gemini: a finished turn's text mentioning "(esc to cancel" far above the box is not a spinner.
  const gemIdle = read('gemini', 'prompt-idle-after-turn').replace(
    '✦ Slowly, word by word, the mock answers.',
    '⠏ Thinking... (esc to cancel, 1s)\n✦ Slowly, word by word, the mock answers.\n\n\n\n\n\n',
  );
  expect(agentScreenModel('gemini')!(gemIdle)).toEqual(idle);
  // OpenCode: an old "Permission required" in the transcript above an idle box.
  const ocIdle = read('opencode', 'prompt-idle').replace(
    'slow 8000',
    'slow 8000\n  ┃  △ Permission required\n  ┃   Allow once   Allow always   Reject',
  );
  expect(agentScreenModel('opencode')!(ocIdle)).toEqual(idle);
  // Kinds without a model of their own fall back to the patterns.
  expect(agentScreenModel('aider')).toBeUndefined();
  expect(agentScreenModel(undefined)).toBeUndefined();
});
