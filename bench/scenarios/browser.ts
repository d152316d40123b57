// Scenario 3: in the browser, keystroke → echo rendered by xterm.js, through `orchard web`
// (Chromium driven by playwright-core). Both ends are timed in the page: the keydown event and the
// DOM renderer's row mutation that shows the echo. Scenario 7 (renderer): JS heap with 20 open
// terminals against the same page with none.
import type { Page } from 'playwright-core';
import { launchChromium, startWeb } from '../../test/e2e/harness.ts';
import { runCli } from '../../test/helpers/env.ts';
import { benchEnv, makeRepo, type Row } from '../lib.ts';
import { p50p99 } from '../terminal.ts';

const KEYS = 200;
const TERMINALS = 20;

async function openSession(page: Page, branch: string): Promise<void> {
  await page.getByRole('button', { name: /^Sessions/ }).click();
  await page.getByRole('button', { name: `Open ${branch}`, exact: true }).click();
  await page
    .getByRole('tabpanel', { name: new RegExp(`^${branch}\\b`) })
    .locator('.xterm-rows')
    .waitFor();
}

async function heapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

/** In-page latencies: keydown → the first row mutation that shows one more of that key. */
async function typeAndMeasure(page: Page, branch: string): Promise<number[]> {
  const panel = page.getByRole('tabpanel', { name: new RegExp(`^${branch}\\b`) });
  await panel.locator('.xterm-screen').click();
  await panel.evaluate((el) => {
    const rows = el.querySelector('.xterm-rows')!;
    const w = window as unknown as { __lat: number[] };
    w.__lat = [];
    let pending: { key: string; t: number; n: number } | null = null;
    const count = (k: string) => (rows.textContent ?? '').split(k).length;
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key.length === 1) pending = { key: e.key, t: performance.now(), n: count(e.key) };
      },
      true,
    );
    new MutationObserver(() => {
      if (pending && count(pending.key) > pending.n) {
        w.__lat.push(performance.now() - pending.t);
        pending = null;
      }
    }).observe(rows, { subtree: true, childList: true, characterData: true });
  });
  const keys = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < KEYS; i++) {
    if (i > 0 && i % 40 === 0) {
      await page.keyboard.press('Enter');
      await page.waitForTimeout(50);
    }
    await page.keyboard.press(keys[i % keys.length]!);
    await page.waitForFunction((n) => (window as unknown as { __lat: number[] }).__lat.length >= n, i + 1, {
      polling: 5,
      timeout: 5000,
    });
  }
  return page.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
}

export async function browserScenario(): Promise<Row[]> {
  const b = await benchEnv();
  const branches = ['echo', ...Array.from({ length: TERMINALS }, (_, i) => `t${i}`)];
  const repo = makeRepo(b.dir, 'repo', branches);
  await runCli(['repo', 'add', repo], b.env);
  const web = await startWeb(b.env);
  const browser = await launchChromium();
  try {
    await b.engine.spawn({ repo, branch: 'echo', command: 'exec cat >/dev/null' });
    for (let i = 0; i < TERMINALS; i++) await b.engine.spawn({ repo, branch: `t${i}` });
    const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
    await page.addInitScript(() => localStorage.setItem('orchard.renderer', 'dom'));
    await page.goto(web.url);
    await page.getByRole('tree').waitFor();
    await page.waitForTimeout(1000);
    const heapNone = await heapMB(page);

    await openSession(page, 'echo');
    const lat = p50p99(await typeAndMeasure(page, 'echo'));

    for (let i = 0; i < TERMINALS; i++) await openSession(page, `t${i}`);
    await page.waitForTimeout(2000);
    const heap20 = await heapMB(page);
    await page.close();
    return [
      {
        scenario: '3 browser',
        metric: 'keystroke → echo rendered in xterm.js p50',
        orchard: lat.p50,
        baseline: null,
        unit: 'ms',
        target: '',
        ok: null,
        note: `${KEYS} keys, DOM renderer, headless Chromium`,
      },
      {
        scenario: '3 browser',
        metric: 'keystroke → echo rendered in xterm.js p99',
        orchard: lat.p99,
        baseline: null,
        unit: 'ms',
        target: '',
        ok: null,
      },
      {
        scenario: '7 memory',
        metric: `renderer JS heap with ${TERMINALS + 1} open terminals`,
        orchard: heap20,
        baseline: heapNone,
        unit: 'MB',
        target: '',
        ok: null,
        note: 'baseline: the same page with no terminal open',
      },
    ];
  } finally {
    await browser.close();
    await web.stop();
    b.dispose();
  }
}
