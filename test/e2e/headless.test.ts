// A headless session in the window: Chromium against a real `orchard web`, real tmux and the fake
// print-mode agent (test/fixtures/fake-headless.mjs). Its tab shows the conversation (the first
// prompt's turn, a tool call that opens to show its input and result); typing in the prompt box
// adds a turn.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeEnv, makeRepo, ROOT, runCli, type TestEnv } from '../helpers/env.ts';
import { screenshot, type WebServer, openWindow } from './harness.ts';

const POLL = { timeout: 15_000 };

let t: TestEnv;
let web: WebServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  t = await makeEnv();
  await t.engine.store.update((c) => {
    c.profiles.push({
      id: 'fake-headless',
      label: 'Fake Claude (print mode)',
      kind: 'claude',
      command: [process.execPath, join(ROOT, 'test/fixtures/fake-headless.mjs')],
    });
  });
  const repo = makeRepo(t.dir, 'chat');
  expect((await runCli(['repo', 'add', repo], t.env)).code).toBe(0);
  ({ web, browser, page } = await openWindow(t.env, { viewport: { width: 1280, height: 800 } }));
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
});

test('the conversation view shows the turns and a tool call; typing a prompt adds a turn', async () => {
  const spawned = await runCli(
    [
      'spawn',
      'chat',
      'talk',
      '--new',
      '--agent',
      'fake-headless',
      '--headless',
      '--prompt',
      'tool npm test',
      '--json',
    ],
    t.env,
  );
  expect(spawned.code, spawned.stderr).toBe(0);

  await page.goto(web.url);
  await page.getByRole('button', { name: /^Sessions/ }).click();
  const card = page.getByRole('listitem', { name: 'talk' });
  await card.waitFor();
  expect(await card.innerText()).toContain('(headless)');
  await card.getByRole('button', { name: 'Open talk' }).click();

  const conv = page.getByLabel('Conversation talk');
  await conv.waitFor();
  // No terminal in this tab: the conversation instead.
  expect(await page.locator('.panel:not([hidden]) .xterm').count()).toBe(0);
  const log = conv.getByRole('log');
  await expect.poll(() => log.innerText(), POLL).toContain('Ran npm test');
  expect(await conv.getByLabel('You').first().innerText()).toBe('tool npm test');
  await expect.poll(() => log.innerText(), POLL).toMatch(/Done in [\d.]+ s · \$0\.0123 · 1 turn/);

  // The tool call: collapsed to its name and command; opened, its input and result.
  const tool = conv.locator('details.conv-tool');
  expect(await tool.count()).toBe(1);
  expect(await tool.locator('summary').innerText()).toMatch(/Bash\s+npm test/);
  expect(await tool.locator('.conv-tool-result').isVisible()).toBe(false);
  await tool.locator('summary').click();
  expect(await tool.locator('.conv-tool-input').innerText()).toContain('"command": "npm test"');
  expect(await tool.locator('.conv-tool-result').innerText()).toBe('ran: npm test');
  await screenshot(page, 'headless-conversation');

  // Typing a prompt adds a turn.
  const box = conv.getByRole('textbox', { name: 'Message' });
  await box.fill('how are you?');
  await box.press('Enter');
  await expect.poll(() => log.innerText(), POLL).toContain('You said: how are you?');
  await expect.poll(() => conv.getByLabel('You').count(), POLL).toBe(2);
  await expect.poll(() => conv.locator('.conv-result').count(), POLL).toBe(2);
  expect(await box.inputValue()).toBe('');
  await screenshot(page, 'headless-second-turn');
});
