// Answering agents from the window and from a phone: Chromium against a real `orchard web`, real
// tmux and the fake agent (Claude Code's three-option dialog). At 1400×900: approve from the tab,
// from the card, batch approve. At 390×844 with touch: the session list, the terminal with its key
// bar (Esc and Ctrl-C reach the program), approve; nothing wider than the screen; the web app
// manifest and its icons load behind the token cookie.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SessionInfo } from '../../src/shared/model.ts';
import { makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { askToEdit, stateOf, useThreeOptionDialog, written } from '../integration/approve-helpers.ts';
import { launchChromium, screenshot, startWeb, terminalText, type WebServer } from './harness.ts';

const POLL = { timeout: 15_000 };
let t: TestEnv;
let web: WebServer;
let browser: Browser;

beforeAll(async () => {
  t = await makeEnv();
  await useThreeOptionDialog(t.engine);
  expect((await runCli(['repo', 'add', makeRepo(t.dir, 'shop')], t.env)).code).toBe(0);
  web = await startWeb(t.env);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
});

async function spawn(branch: string, extra: string[] = []): Promise<SessionInfo> {
  const r = await runCli(['spawn', 'shop', branch, '--new', '--json', ...extra], t.env);
  expect(r.code, r.stderr).toBe(0);
  return t.engine.find((JSON.parse(r.stdout) as { id: string }).id);
}

async function newPage(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  await page.addInitScript(() => localStorage.setItem('orchard.renderer', 'dom'));
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(web.url);
  return page;
}

/** Elements sticking out of the viewport (by their box, or by scrolling sideways). */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const bad: string[] = [];
    if (document.documentElement.scrollWidth > w)
      bad.push(`document ${document.documentElement.scrollWidth}px`);
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > w + 1 || r.left < -1) && !el.closest('.xterm-helpers'))
        bad.push(`${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return bad;
  });
}

test('desktop 1400×900: approve from the tab, from the card, batch approve 2 of 3', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await newPage(ctx);
  const [a, b, c, d, e] = [
    await spawn('feat/tab'),
    await spawn('feat/card'),
    await spawn('b/one'),
    await spawn('b/two'),
    await spawn('b/idle'),
  ];
  await Promise.all([
    askToEdit(t.engine, a!, 'tab.txt'),
    askToEdit(t.engine, b!, 'card.txt'),
    askToEdit(t.engine, c!, 'one.txt'),
    askToEdit(t.engine, d!, 'two.txt'),
  ]);
  await stateOf(t.engine, e!.id, (x) => x.state === 'idle', 'idle');

  // The tab: open feat/tab from its card, then answer on the tab itself.
  await page.getByRole('button', { name: /^Sessions/ }).click();
  await page.getByRole('button', { name: 'Open feat/tab' }).click();
  const tabYes = page.locator('.tabbar').getByRole('button', { name: 'Approve feat/tab: Edit tab.txt' });
  await tabYes.waitFor(POLL);
  await screenshot(page, 'approve-tab');
  await tabYes.click();
  await waitFor(() => written(a!, 'tab.txt'), 15_000, 'tab.txt written');
  await expect.poll(() => tabYes.count(), POLL).toBe(0);

  // The card.
  await page.getByRole('button', { name: /^Sessions/ }).click();
  const card = page.getByRole('listitem', { name: 'feat/card' });
  await card.getByRole('button', { name: 'Approve feat/card: Edit card.txt' }).click();
  await waitFor(() => written(b!, 'card.txt'), 15_000, 'card.txt written');
  await screenshot(page, 'approve-card');

  // Batch: select all waiting (the two b/ sessions now) → Approve all: exactly those answered.
  await expect.poll(() => page.getByRole('button', { name: 'Select all waiting (2)' }).count(), POLL).toBe(1);
  const idleScreen = await t.engine.capture(e!.id);
  await page.getByRole('button', { name: 'Select all waiting (2)' }).click();
  await page.getByRole('button', { name: 'Approve all (2)' }).click();
  const results = page.getByRole('list', { name: 'Results' });
  await expect
    .poll(() => results.innerText(), POLL)
    .toMatch(/b\/one: Yes[\s\S]*b\/two: Yes|b\/two: Yes[\s\S]*b\/one: Yes/);
  await waitFor(() => written(c!, 'one.txt') && written(d!, 'two.txt'), 15_000, 'batch written');
  expect(await t.engine.capture(e!.id)).toBe(idleScreen);
  await screenshot(page, 'approve-batch');

  // Send to selected: one prompt, two agents.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('checkbox', { name: 'Select b/one' }).check();
  await page.getByRole('checkbox', { name: 'Select b/idle' }).check();
  await page.getByRole('textbox', { name: 'Text to send to the selected sessions' }).fill('hello both');
  await page.getByRole('button', { name: /^Send to selected \(2\)/ }).click();
  await expect.poll(() => results.innerText(), POLL).toMatch(/b\/idle: delivered/);
  for (const s of [c!, e!])
    await waitFor(async () => /You said: hello both/.test(await t.engine.capture(s.id)), 15_000, 'sent');
  await ctx.close();
}, 180_000);

test('phone 390×844 with touch: list, terminal + key bar, approve; no sideways overflow; manifest', async () => {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const cat = await spawn('phone/cat', ['--command', 'cat -v']);
  const ask = await spawn('phone/ask-a-very-long-branch-name-that-would-not-fit-on-a-phone-screen');
  await askToEdit(t.engine, ask, 'phone.txt');
  const page = await newPage(ctx);

  const list = page.getByRole('list', { name: 'Sessions' });
  await expect.poll(() => list.innerText(), POLL).toMatch(/permission: Edit phone\.txt/);
  expect(await overflowing(page)).toEqual([]);
  await screenshot(page, 'phone-list');

  // The terminal and its key bar: Esc and digits reach the program as typed bytes (cat -v shows ^[).
  await page.getByRole('button', { name: 'Open phone/cat' }).tap();
  const term = page.getByRole('region', { name: 'Terminal phone/cat' });
  const send = (k: string) => page.getByRole('button', { name: `Send ${k}` }).tap();
  await expect.poll(() => page.getByRole('button', { name: 'Send Escape' }).isEnabled(), POLL).toBe(true);
  // First a plain line: the attach handshake (tmux asking xterm what it is) is over once it echoes.
  await send('1');
  await send('Enter');
  await expect.poll(() => terminalText(term), POLL).toMatch(/^1$/m);
  await send('Escape');
  await send('2');
  await send('Enter');
  await expect.poll(() => terminalText(term), POLL).toMatch(/\^\[2/);
  expect(await overflowing(page)).toEqual([]);
  await screenshot(page, 'phone-terminal');
  await send('Control C');
  await stateOf(t.engine, cat.id, (x) => x.state === 'exited', 'cat ended by Ctrl-C');

  // Approve on the phone.
  await page.getByRole('button', { name: 'Back to sessions' }).tap();
  await page.getByRole('button', { name: `Open ${ask.branch}` }).tap();
  const yes = page.getByRole('button', { name: `Approve ${ask.branch}: Edit phone.txt` });
  await yes.waitFor(POLL);
  expect(await overflowing(page)).toEqual([]);
  await screenshot(page, 'phone-approve');
  await yes.tap();
  await waitFor(() => written(ask, 'phone.txt'), 15_000, 'phone.txt written');
  await expect.poll(() => yes.count(), POLL).toBe(0);

  // Drawer.
  await page.getByRole('button', { name: 'Back to sessions' }).tap();
  await page.getByRole('button', { name: 'Repositories' }).tap();
  await page.getByRole('dialog', { name: 'Repositories' }).getByText('shop').first().waitFor(POLL);
  expect(await overflowing(page)).toEqual([]);
  await screenshot(page, 'phone-drawer');

  // The manifest and icons: served with the page's token cookie, refused without it.
  const got = await page.evaluate(async () =>
    Promise.all(
      ['./manifest.webmanifest', './icons/icon-192.png', './icons/icon-512.png'].map(
        async (u) => (await fetch(u, { credentials: 'include' })).status,
      ),
    ),
  );
  expect(got).toEqual([200, 200, 200]);
  const cdp = await ctx.newCDPSession(page);
  const m = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; data?: string };
  expect(m.errors, JSON.stringify(m)).toEqual([]);
  expect(JSON.parse(m.data ?? '{}')).toMatchObject({ name: 'Orchard', display: 'standalone' });
  const bare = new URL(web.url);
  expect((await fetch(`${bare.origin}/manifest.webmanifest`)).status).toBe(401);
  await ctx.close();
}, 180_000);
