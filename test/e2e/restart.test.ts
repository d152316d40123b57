// Browser mode: when `orchard web` is restarted (a new token), an open page says so instead of
// trying to reconnect forever.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { makeEnv, makeRepo, runCli, type TestEnv } from '../helpers/env.ts';
import { launchChromium, screenshot, startWeb, type WebServer } from './harness.ts';

let t: TestEnv;
let browser: Browser;
const servers: WebServer[] = [];

beforeAll(async () => {
  t = await makeEnv();
  const repo = makeRepo(t.dir, 'web', ['feat']);
  expect((await runCli(['repo', 'add', repo], t.env)).code).toBe(0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  t?.cleanup();
});

test('a page of a restarted orchard web tells the user to open the new URL', async () => {
  const first = await startWeb(t.env);
  servers.push(first);
  const page = await browser.newPage();
  await page.goto(first.url);
  await page.getByRole('treeitem', { name: 'web' }).waitFor();
  const port = new URL(first.url).port;
  await first.stop();
  // The same port, a new token: what a restart looks like to the open page.
  const second = await startWeb(t.env, ['--port', port]);
  servers.push(second);
  expect(new URL(second.url).port).toBe(port);
  await page.getByText('orchard web was restarted: open the new URL it printed').waitFor({ timeout: 30_000 });
  await screenshot(page, 'restarted');
  await page.close();
});

test('a page of an orchard web restarted on another port says it has stopped, not "Reconnecting…" forever', async () => {
  const first = await startWeb(t.env);
  servers.push(first);
  const page = await browser.newPage();
  await page.goto(first.url);
  await page.getByRole('treeitem', { name: 'web' }).waitFor();
  await first.stop();
  // The usual restart: `--port 0` again, so another port; nothing answers at the page's origin.
  const second = await startWeb(t.env);
  servers.push(second);
  expect(new URL(second.url).port).not.toBe(new URL(first.url).port);
  await page.getByText('Reconnecting…').waitFor({ timeout: 10_000 });
  await page.getByText('this orchard web has stopped; open the URL it prints').waitFor({ timeout: 60_000 });
  await screenshot(page, 'stopped');
  await page.close();
});
