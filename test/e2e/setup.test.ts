// A new session from the window with a repo setup: the dialog says what will happen (files copied,
// the committed .orchard/setup shown in full until trusted), the setup's output while it runs (in the
// dialog and in the session's terminal), then the agent.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { git, makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { screenshot, terminalText, type WebServer, openWindow } from './harness.ts';

let t: TestEnv;
let web: WebServer;
let browser: Browser;
let page: Page;
let repo: string;

beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'app');
  writeFileSync(join(repo, '.gitignore'), '.env\n');
  writeFileSync(join(repo, '.worktreeinclude'), '.env\n');
  writeFileSync(join(repo, '.env'), 'TOKEN=1\n');
  const gate = join(t.dir, 'gate');
  mkdirSync(join(repo, '.orchard'));
  writeFileSync(
    join(repo, '.orchard/setup'),
    `#!/bin/sh\necho "SETUP-STEP-1 installing for $ORCHARD_BRANCH"\n` +
      `while [ ! -e '${gate}' ]; do sleep 0.1; done\necho SETUP-DONE\n`,
    { mode: 0o755 },
  );
  git(repo, 'add', '.gitignore', '.worktreeinclude', '.orchard/setup');
  git(repo, 'commit', '-q', '-m', 'setup');
  const added = await runCli(['repo', 'add', repo], t.env);
  expect(added.code, added.stderr).toBe(0);
  ({ web, browser, page } = await openWindow(t.env, { dom: true }));
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
});

test('spawn from the window with a setup script: trust it, see its output, then the agent', async () => {
  await page.goto(web.url);
  await page.getByRole('button', { name: 'New session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByText('New branch from base').click();
  await dialog.getByLabel('New branch name').fill('feat/ready');
  const plan = dialog.locator('section.setup-plan');
  await expect.poll(() => plan.innerText(), { timeout: 15_000 }).toContain('Copies 1 file');
  expect(await plan.innerText()).toContain('.env');
  // Not trusted yet: the script is shown in full, with the button to trust exactly that.
  await expect
    .poll(() => dialog.locator('section.setup-plan').locator('pre').innerText())
    .toContain('SETUP-STEP-1 installing');
  await screenshot(page, 'setup-01-untrusted');
  await dialog.getByRole('button', { name: 'Trust this script' }).click();
  await expect.poll(() => plan.innerText()).toContain('.orchard/setup (trusted)');

  await dialog.getByRole('button', { name: 'Start session' }).click();
  const progress = dialog.locator('section.setup-progress');
  await expect
    .poll(() => progress.locator('pre').innerText(), { timeout: 15_000 })
    .toContain('SETUP-STEP-1 installing for feat/ready');
  await screenshot(page, 'setup-02-running');
  const [s] = JSON.parse((await runCli(['ls', '--json'], t.env)).stdout) as Array<{
    id: string;
    worktree: string;
    state: string;
    reason?: string;
  }>;
  expect(s).toMatchObject({ state: 'starting', reason: 'setup' });
  expect(existsSync(join(s!.worktree, '.env'))).toBe(true);

  // The session's own terminal (behind the dialog) shows the same output.
  const panel = page.getByRole('tabpanel', { name: /feat\/ready/ });
  await waitFor(
    async () => (await terminalText(panel)).includes('SETUP-STEP-1'),
    10_000,
    'setup in the terminal',
  );
  writeFileSync(join(t.dir, 'gate'), '');
  await dialog.waitFor({ state: 'detached', timeout: 20_000 });
  await waitFor(
    async () => (await terminalText(panel)).includes('Welcome to Fake Claude'),
    20_000,
    'the agent in the terminal',
  );
  await screenshot(page, 'setup-03-agent');
});
