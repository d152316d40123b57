// Say what happened, in Chromium against a real `orchard web`: the tmux server killed under an open
// terminal, sshd killed and restarted under the terminal of an SSH session. The page says why, the
// tab stays, keystrokes typed meanwhile are refused out loud, and the SSH terminal comes back by
// itself within 10 s of sshd.
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeRepo, runCli, waitFor } from '../helpers/env.ts';
import type { Sshd, SshTestEnv } from '../helpers/sshd.ts';
import { screenshot, terminalText, withSshHost, type WebServer, openWindow } from './harness.ts';

let ssh: SshTestEnv;
let sshd: Sshd;
let cleanup: () => Promise<void>;
let web: WebServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ ssh, sshd, cleanup } = await withSshHost());
  const local = makeRepo(ssh.env.dir, 'here', ['local-feat']);
  const remote = makeRepo(ssh.env.dir, 'there', ['remote-feat']);
  for (const path of [local, ssh.repoRef(remote)]) {
    const r = await runCli(['repo', 'add', path], ssh.env.env);
    expect(r.code, r.stderr).toBe(0);
  }
  ({ web, browser, page } = await openWindow(ssh.env.env, {
    viewport: { width: 1280, height: 800 },
    dom: true,
  }));
  await page.goto(web.url);
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await cleanup?.();
});

const panelOf = (branch: string) => page.getByRole('tabpanel', { name: new RegExp(branch) });
const tabOf = (branch: string) => page.getByRole('tab', { name: new RegExp(branch) });

/** Spawns from the CLI, opens the session's tab from the Sessions view, waits for the agent. */
async function openSession(repo: string, branch: string): Promise<void> {
  const r = await runCli(['spawn', repo, branch], ssh.env.env);
  expect(r.code, r.stderr).toBe(0);
  await page.getByRole('button', { name: /^Sessions/ }).click();
  await page.getByRole('button', { name: `Open ${branch}` }).click();
  await waitFor(
    async () => (await terminalText(panelOf(branch))).includes('Welcome to Fake Claude'),
    20_000,
    `${branch} banner`,
  );
}

async function typeInto(branch: string, text: string): Promise<void> {
  await panelOf(branch).locator('.xterm').click();
  await page.keyboard.type(text);
}

test('tmux server killed: the page says so, the tab stays (marked stopped), Resume is offered', async () => {
  await openSession('here', 'local-feat');
  execFileSync('tmux', ['-L', ssh.env.socket, 'kill-server']);
  const status = panelOf('local-feat').getByRole('status');
  await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('tmux server exited');
  // Once the list has caught up, the tab is still there, marked stopped.
  // (Listed as stopped from its record, or kept as gone when it has none: either way, marked.)
  await expect.poll(() => tabOf('local-feat').textContent(), { timeout: 10_000 }).toContain('stopped');
  // The session has a durable record: its panel says it stopped and offers Resume (no terminal to
  // type into; keystrokes refused while reconnecting are the SSH case below).
  await panelOf('local-feat').getByRole('button', { name: 'Resume local-feat' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'tmux-server-exited');
  await page.getByRole('button', { name: 'Close tab local-feat' }).click();
  expect(await page.getByRole('tab').count()).toBe(0);
});

test('sshd killed and restarted: "reconnecting", input refused, the terminal back within 10 s without a click', async () => {
  await openSession('there', 'remote-feat');
  await typeInto('remote-feat', 'before\n');
  await waitFor(
    async () => (await terminalText(panelOf('remote-feat'))).includes('You said: before'),
    15_000,
    'echo before',
  );
  const status = panelOf('remote-feat').getByRole('status');

  await sshd.stop();
  await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/reconnecting/);
  expect(await status.textContent()).not.toMatch(/session ended/);
  await page.keyboard.type('lost');
  await expect
    .poll(() => panelOf('remote-feat').getByRole('alert').textContent())
    .toBe('4 keystrokes not sent');
  await screenshot(page, 'ssh-reconnecting');
  // How long sshd stays away (ORCHARD_E2E_SSH_OUTAGE_MS tries a longer outage: the SSH pool's
  // backoff, capped at 5 s, is what a long one adds).
  await new Promise((r) => setTimeout(r, Number(process.env.ORCHARD_E2E_SSH_OUTAGE_MS ?? 2000)));

  await sshd.start();
  const back = Date.now();
  await expect.poll(() => status.count(), { timeout: 10_000, interval: 100 }).toBe(0);
  console.log(`terminal of the SSH session back ${Date.now() - back} ms after sshd`);
  expect(await tabOf('remote-feat').count()).toBe(1);
  // Typing reaches the agent again (focus never left the terminal: no click).
  await page.keyboard.type('after\n');
  await waitFor(
    async () => (await terminalText(panelOf('remote-feat'))).includes('You said: after'),
    15_000,
    'echo after',
  );
  expect(await terminalText(panelOf('remote-feat'))).not.toContain('You said: lost');
  await screenshot(page, 'ssh-back');
});
