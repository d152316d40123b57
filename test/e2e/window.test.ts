// The window end to end: Chromium against a real `orchard web`, real tmux, git and the fake agent.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { git, makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { screenshot, SHOTS, terminalText, type WebServer, openWindow } from './harness.ts';

let t: TestEnv;
let web: WebServer;
let browser: Browser;
let page: Page;
let repo: string;

beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'web', ['feat/login', 'fix/typo', 'doomed']);
  const added = await runCli(['repo', 'add', repo], t.env);
  expect(added.code, added.stderr).toBe(0);
  // Terminal text is read from the DOM renderer's rows (dom: true).
  ({ web, browser, page } = await openWindow(t.env, { dom: true }));
  // Web Notifications need a user's permission: stand in for the browser's implementation and
  // record what the page shows.
  await page.addInitScript(() => {
    const w = window as unknown as { __shown: string[]; __last: { onclick: (() => void) | null } | null };
    w.__shown = [];
    w.__last = null;
    class RecordingNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, o: { body: string }) {
        w.__shown.push(`${title} — ${o.body}`);
        w.__last = this;
      }
      close() {}
    }
    Object.assign(window, { Notification: RecordingNotification });
  });
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
});

async function sessions(): Promise<Array<{ id: string; branch: string; worktree: string }>> {
  const r = await runCli(['ls', '--json'], t.env);
  return JSON.parse(r.stdout);
}

function tmuxClients(sessionId: string): number {
  // Terminal clients only: the host monitor's control-mode clients are attached somewhere too.
  const out = execFileSync(
    'tmux',
    ['-L', t.socket, 'list-clients', '-F', '#{?client_control_mode,,#{session_name}}'],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter((name) => name.includes(sessionId)).length;
}

function tmuxWidth(sessionId: string): number {
  const out = execFileSync(
    'tmux',
    ['-L', t.socket, 'list-windows', '-a', '-F', '#{session_name} #{window_width}'],
    {
      encoding: 'utf8',
    },
  );
  const line = out.split('\n').find((l) => l.split(' ')[0]!.endsWith(sessionId));
  return Number(line?.split(' ')[1]);
}

const panelOf = (branch: string) =>
  page.getByRole('tabpanel', { name: new RegExp(branch.replace('/', '\\/')) });

async function spawnByDrag(branch: string): Promise<void> {
  await page.getByRole('treeitem', { name: branch }).dragTo(page.locator('.tabbar'));
  await expect
    .poll(() => page.getByRole('tab', { name: new RegExp(branch) }).getAttribute('aria-selected'))
    .toBe('true');
  await waitFor(
    async () => (await terminalText(panelOf(branch))).includes('Welcome to Fake Claude'),
    20_000,
    `${branch} banner`,
  );
}

async function say(branch: string, text: string): Promise<void> {
  await panelOf(branch).locator('.xterm').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await waitFor(
    async () => (await terminalText(panelOf(branch))).includes(`You said: ${text}`),
    15_000,
    `answer to ${text}`,
  );
}

describe('the window in browser mode', () => {
  test('drag a branch to the tab bar: a tab, the agent’s banner, typing reaches it and it answers', async () => {
    await page.goto(web.url);
    await page.getByRole('treeitem', { name: 'web' }).getByText('web', { exact: true }).click();
    await page.getByRole('treeitem', { name: 'feat/login' }).waitFor();
    await screenshot(page, '01-sidebar');
    await spawnByDrag('feat/login');
    const listed = await sessions();
    expect(listed.map((s) => s.branch)).toEqual(['feat/login']);
    await say('feat/login', 'hello from the browser');
    await screenshot(page, '02-first-tab');
  });

  test('a second tab; switching tabs keeps each terminal’s content', async () => {
    await spawnByDrag('fix/typo');
    await say('fix/typo', 'second tab here');
    expect(await page.getByRole('tab').count()).toBe(2);
    await page.getByRole('tab', { name: /feat\/login/ }).click();
    await expect.poll(() => panelOf('feat/login').isVisible()).toBe(true);
    expect(await terminalText(panelOf('feat/login'))).toContain('You said: hello from the browser');
    expect(await terminalText(panelOf('feat/login'))).not.toContain('second tab here');
    await screenshot(page, '03-back-to-first');
    // Ctrl+2 from inside the terminal switches to the second tab, content intact.
    await page.keyboard.press('Control+2');
    await expect.poll(() => panelOf('fix/typo').isVisible()).toBe(true);
    expect(await terminalText(panelOf('fix/typo'))).toContain('You said: second tab here');
    expect(await panelOf('feat/login').isVisible()).toBe(false);
  });

  test('tabs reorder by dragging one onto another', async () => {
    const order = () =>
      page.getByRole('tab').evaluateAll((els) => els.map((e) => e.querySelector('.tab-branch')!.textContent));
    expect(await order()).toEqual(['feat/login', 'fix/typo']);
    await page.getByRole('tab', { name: /fix\/typo/ }).dragTo(page.getByRole('tab', { name: /feat\/login/ }));
    await expect.poll(order).toEqual(['fix/typo', 'feat/login']);
    await page.getByRole('tab', { name: /feat\/login/ }).dragTo(page.getByRole('tab', { name: /fix\/typo/ }));
    await expect.poll(order).toEqual(['feat/login', 'fix/typo']);
  });

  test('every button has an accessible name, in every view', async () => {
    const unnamed = () =>
      page
        .locator('button')
        .evaluateAll((els) =>
          els
            .filter(
              (el) =>
                !(
                  el.getAttribute('aria-label') ||
                  el.getAttribute('aria-labelledby') ||
                  el.textContent?.trim()
                ),
            )
            .map((el) => el.outerHTML.slice(0, 120)),
        );
    expect(await unnamed()).toEqual([]);
    await page.getByRole('button', { name: /^Sessions/ }).click();
    expect(await unnamed()).toEqual([]);
    await page.getByRole('button', { name: 'New session', exact: true }).click();
    expect(await unnamed()).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Terminals' }).click();
  });

  test('non-ASCII text goes in and comes back whole (UTF-8 both ways, wide characters)', async () => {
    await say('fix/typo', 'héllo wörld ✓ 日本語');
  });

  test('Ctrl+Shift+F searches the visible terminal', async () => {
    await panelOf('fix/typo').locator('.xterm').click();
    await page.keyboard.press('Control+Shift+F');
    const find = page.getByRole('searchbox', { name: 'Find in terminal' });
    await find.waitFor();
    await find.fill('second tab');
    await expect.poll(() => page.locator('.search-count').innerText()).toMatch(/^\d+ of \d+$/);
    await screenshot(page, '03b-search');
    await find.press('Escape');
    await find.waitFor({ state: 'detached' });
  });

  test('a session that starts waiting: its tab says so, a notification names it, a click opens it', async () => {
    const typo = (await sessions()).find((s) => s.branch === 'fix/typo')!;
    await page.getByRole('tab', { name: /feat\/login/ }).click();
    const sent = await runCli(['send', typo.id, 'edit notes.txt'], t.env);
    expect(sent.code, sent.stderr).toBe(0);
    await page.getByRole('tab', { name: /fix\/typo.*waiting · permission/ }).waitFor({ timeout: 15_000 });
    const shown = () => page.evaluate(() => (window as unknown as { __shown: string[] }).__shown);
    await expect
      .poll(shown, { timeout: 10_000 })
      .toContainEqual(expect.stringContaining('fix/typo on this machine wants permission'));
    expect(await page.title()).toBe('Orchard (1 waiting)');
    await screenshot(page, '03d-waiting');
    await page.evaluate(() => (window as unknown as { __last: { onclick: () => void } }).__last.onclick());
    await expect.poll(() => panelOf('fix/typo').isVisible()).toBe(true);
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: /fix\/typo.*idle/ }).waitFor({ timeout: 15_000 });
    expect(await terminalText(panelOf('fix/typo'))).toContain('Edited notes.txt');
  });

  test('a second viewer (another browser page): WebGL only on its visible terminal, input seen by both', async () => {
    // A fresh context: no renderer preference, so the default (WebGL while visible) applies.
    const other = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    try {
      await other.goto(web.url);
      for (const branch of ['feat/login', 'fix/typo']) {
        await other.getByRole('button', { name: /^Sessions/ }).click();
        await other.getByRole('button', { name: `Open ${branch}` }).click();
      }
      const visible = other.getByRole('tabpanel', { name: /fix\/typo/ });
      const hidden = other.locator('[role=tabpanel][hidden]');
      await expect.poll(() => visible.locator('canvas').count()).toBeGreaterThan(0);
      expect(await hidden.count()).toBe(1);
      expect(await hidden.locator('canvas').count()).toBe(0);
      await visible.locator('.xterm').click();
      await other.keyboard.type('from the second viewer');
      await other.keyboard.press('Enter');
      // The first page (DOM renderer) shows what the second one typed.
      await waitFor(
        async () => (await terminalText(panelOf('fix/typo'))).includes('You said: from the second viewer'),
        15_000,
        'answer in the first viewer',
      );
      await other.screenshot({ path: `${SHOTS}/03c-second-viewer.png` });
    } finally {
      await other.close();
    }
  });

  test('terminate from the session grid removes the session (and its worktree)', async () => {
    const before = await sessions();
    const login = before.find((s) => s.branch === 'feat/login')!;
    expect(existsSync(login.worktree)).toBe(true);
    await page.getByRole('button', { name: /^Sessions/ }).click();
    await page.getByRole('listitem', { name: 'feat/login' }).waitFor();
    await screenshot(page, '04-grid');
    await page.getByRole('button', { name: 'Terminate feat/login' }).click();
    const dialog = page.getByRole('dialog', { name: 'Terminate feat/login?' });
    await dialog.getByRole('checkbox', { name: /Also remove the worktree/ }).check();
    await screenshot(page, '05-terminate-dialog');
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    await page.getByRole('listitem', { name: 'feat/login' }).waitFor({ state: 'detached' });
    expect((await sessions()).map((s) => s.branch)).toEqual(['fix/typo']);
    expect(existsSync(login.worktree)).toBe(false);
    // The branch itself is kept.
    expect(
      execFileSync('git', ['-C', repo, 'branch', '--list', 'feat/login'], { encoding: 'utf8' }),
    ).toContain('feat/login');
    await page.getByRole('button', { name: 'Terminals' }).click();
    expect(await page.getByRole('tab').count()).toBe(1);
  });

  test('closing a tab detaches: the agent keeps running and no terminal stays attached', async () => {
    const typo = (await sessions()).find((s) => s.branch === 'fix/typo')!;
    await page.getByRole('button', { name: 'Close tab fix/typo' }).click();
    expect(await page.getByRole('tab').count()).toBe(0);
    await waitFor(() => tmuxClients(typo.id) === 0, 10_000, 'tmux client gone');
    expect((await sessions()).map((s) => s.id)).toEqual([typo.id]);
  });

  test('a flood (`yes`) does not freeze the window; Ctrl-C stops it and the shell answers', async () => {
    const r = await runCli(['spawn', repo, 'main', '--command', 'sh', '--json'], t.env);
    expect(r.code, r.stderr).toBe(0);
    await page.getByRole('button', { name: /^Sessions/ }).click();
    await page.getByRole('button', { name: 'Open main' }).click();
    const panel = panelOf('main');
    // The earlier search belongs to the tab it was opened in.
    expect(await page.getByRole('searchbox', { name: 'Find in terminal' }).count()).toBe(0);
    await panel.locator('.xterm').click();
    await page.keyboard.type('yes');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await terminalText(panel)).includes('y\ny\ny'), 10_000, 'the flood');
    // While it floods, the page keeps painting frames and answering clicks.
    const gap = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let last = performance.now();
          let worst = 0;
          const end = last + 1500;
          const tick = (now: number) => {
            worst = Math.max(worst, now - last);
            last = now;
            if (now < end) requestAnimationFrame(tick);
            else resolve(worst);
          };
          requestAnimationFrame(tick);
        }),
    );
    console.log(`longest frame gap during the flood: ${Math.round(gap)} ms`);
    await page.getByRole('button', { name: /^Sessions/ }).click();
    await page.getByRole('listitem', { name: 'main' }).waitFor();
    await page.getByRole('button', { name: 'Open main' }).click();
    await panel.locator('.xterm').click();
    await page.keyboard.press('Control+C');
    await page.keyboard.type('echo flood-$((40+2))');
    await page.keyboard.press('Enter');
    await waitFor(
      async () => (await terminalText(panel)).includes('flood-42'),
      20_000,
      'the shell after Ctrl-C',
    );
    await screenshot(page, '05b-after-flood');
  });

  test('the terminal follows the window’s size down to tmux', async () => {
    const main = (await sessions()).find((s) => s.branch === 'main')!;
    const before = tmuxWidth(main.id);
    await page.setViewportSize({ width: 1000, height: 700 });
    try {
      await waitFor(() => tmuxWidth(main.id) < before - 20, 10_000, 'tmux window narrower');
    } finally {
      await page.setViewportSize({ width: 1360, height: 820 });
    }
    await waitFor(() => tmuxWidth(main.id) === before, 10_000, 'tmux window back to its width');
  });

  test('a spawn that fails says why in the window', async () => {
    await page.getByRole('treeitem', { name: 'doomed' }).waitFor();
    git(repo, 'branch', '-D', 'doomed'); // gone behind the window's back
    await page.getByRole('treeitem', { name: 'doomed' }).dragTo(page.locator('.tabbar'));
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('Could not start doomed: branch not found');
    await screenshot(page, '05c-spawn-error');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
    expect((await sessions()).map((s) => s.branch)).not.toContain('doomed');
  });

  test('the Dashboard view mounts in its slot', async () => {
    await page.getByRole('button', { name: 'Dashboard' }).click();
    await page.getByRole('region', { name: 'Dashboard' }).waitFor();
    await screenshot(page, '07-dashboard');
    await page.getByRole('button', { name: 'Terminals' }).click();
  });

  test('light theme', async () => {
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await screenshot(page, '06-light');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  });
});
