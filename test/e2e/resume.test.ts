// A dead tmux server with the page open: the tab stays, greyed and `stopped`, with Resume; Resume
// brings the terminal back with the agent's conversation resumed (Chromium against orchard web).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeEnv, makeRepo, ROOT, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { screenshot, terminalText, type WebServer, openWindow } from './harness.ts';

let t: TestEnv;
let web: WebServer;
let browser: Browser;
let page: Page;
let repo: string;

beforeAll(async () => {
  t = await makeEnv();
  await t.engine.store.update((c) => {
    c.profiles.push({
      id: 'resumable',
      label: 'Resumable Fake Claude',
      kind: 'claude',
      command: [process.execPath, join(ROOT, 'test/fixtures/resumable-agent.mjs')],
      env: { CLAUDE_CONFIG_DIR: join(t.dir, 'claude-config') },
    });
    c.preferences.defaultAgent = 'resumable';
  });
  repo = makeRepo(t.dir, 'web', ['feat']);
  expect((await runCli(['repo', 'add', repo], t.env)).code).toBe(0);
  ({ web, browser, page } = await openWindow(t.env, { dom: true }));
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
});

test('tmux server killed while the page is open → the tab turns stopped → Resume → terminal back', async () => {
  const spawned = await runCli(['spawn', repo, 'feat', '--json'], t.env);
  expect(spawned.code, spawned.stderr).toBe(0);
  const { id } = JSON.parse(spawned.stdout) as { id: string };
  const [s] = JSON.parse((await runCli(['ls', '--json'], t.env)).stdout) as Array<{ agentSessionId: string }>;
  await waitFor(
    async () => (await runCli(['capture', id], t.env)).stdout.includes('Welcome'),
    15_000,
    'banner',
  );
  expect((await runCli(['send', id, 'hello before the crash'], t.env)).code).toBe(0);

  await page.goto(web.url);
  await page.getByRole('treeitem', { name: 'web' }).getByText('web', { exact: true }).click();
  await page.getByRole('treeitem', { name: 'feat' }).dragTo(page.locator('.tabbar'));
  const panel = page.getByRole('tabpanel', { name: /feat/ });
  await waitFor(
    async () => (await terminalText(panel)).includes('You said: hello before the crash'),
    20_000,
    'the terminal',
  );

  execFileSync('tmux', ['-L', t.socket, 'kill-server']);
  await page.getByRole('tab', { name: /feat.*stopped/ }).waitFor({ timeout: 15_000 });
  expect(await page.locator('.tab-wrap.stopped').count()).toBe(1);
  await panel.getByText(/^Stopped: the tmux session of feat is gone/).waitFor();
  await page.getByRole('status', { name: 'Stopped sessions on local' }).waitFor();
  await screenshot(page, 'resume-01-stopped');

  await panel.getByRole('button', { name: 'Resume feat' }).click();
  await waitFor(
    async () =>
      (await terminalText(panel)).includes(
        `Resumed conversation ${s!.agentSessionId}: 1 earlier messages, last: hello before the crash`,
      ),
    20_000,
    'the resumed terminal',
  );
  await page.getByRole('tab', { name: /feat/ }).filter({ hasNotText: 'stopped' }).waitFor();
  expect(await page.locator('.tab-wrap.stopped').count()).toBe(0);
  expect(await page.getByRole('status', { name: 'Stopped sessions on local' }).count()).toBe(0);
  // Typing reaches the resumed agent.
  await panel.locator('.xterm').click();
  await page.keyboard.type('after the resume');
  await page.keyboard.press('Enter');
  await waitFor(
    async () => (await terminalText(panel)).includes('You said: after the resume'),
    15_000,
    'echo',
  );
  await screenshot(page, 'resume-02-back');
}, 90_000);
