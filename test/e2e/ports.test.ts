// A session's dev server, one click away (browser mode, local session): the port it listens on
// shows on its tab and its card ("⇢ <port> http-server"); a click opens the server's page.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../helpers/sshd.ts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeEnv, makeRepo, ROOT, runCli, type TestEnv } from '../helpers/env.ts';
import { screenshot, type WebServer, openWindow } from './harness.ts';

let t: TestEnv;
let web: WebServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  t = await makeEnv();
  ({ web, browser, page } = await openWindow(t.env, { dom: true }));
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
});

test('the port shows on the tab and the card; a click opens the dev server', async () => {
  const repo = makeRepo(t.dir, 'site', ['dev']);
  const port = await freePort();
  const server = `exec '${process.execPath}' '${join(ROOT, 'test/fixtures/http-server.mjs')}' ${port}`;
  const spawned = await runCli(['spawn', repo, 'dev', '--command', server, '--json'], t.env);
  expect(spawned.code, spawned.stderr).toBe(0);
  const { id } = JSON.parse(spawned.stdout) as { id: string };

  await page.goto(web.url);
  await page.getByRole('button', { name: /^Sessions/ }).click();
  const card = page.getByRole('listitem', { name: 'dev' });
  const chip = card.getByRole('button', { name: `Open port ${port} (http-server) of dev` });
  await chip.waitFor({ timeout: 15_000 });
  expect(await chip.textContent()).toBe(`⇢ ${port} http-server`);
  await card.getByRole('button', { name: 'Open dev' }).click();
  const tabChip = page
    .locator('.tab-wrap')
    .getByRole('button', { name: `Open port ${port} (http-server) of dev` });
  await tabChip.waitFor({ timeout: 15_000 });
  await screenshot(page, 'ports-01-tab');

  const [popup] = await Promise.all([page.waitForEvent('popup'), tabChip.click()]);
  await popup.waitForURL(`http://127.0.0.1:${port}/`, { timeout: 10_000 });
  expect(await popup.locator('body').textContent()).toBe(`hello from ${port}`);
  await popup.close();
  await runCli(['kill', id], t.env);
});
