// E2E scaffolding: a real `orchard web` on a private Orchard home and tmux socket, and Debian's
// Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CLI, ROOT } from '../helpers/env.ts';
import { makeSshd, makeSshEnv, type Sshd, type SshTestEnv } from '../helpers/sshd.ts';

export const CHROMIUM = process.env.ORCHARD_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results/e2e');

export interface WebServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `orchard web --port 0` and resolves with the URL it prints (token included). */
export function startWeb(env: NodeJS.ProcessEnv, args: string[] = ['--port', '0']): Promise<WebServer> {
  const child = spawn(process.execPath, [CLI, 'web', ...args], { env, cwd: ROOT, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/\S+token=\S+/.exec(out);
      if (m) resolve({ url: m[0], process: child, stop });
    });
    child.once('exit', (code) =>
      reject(new Error(`orchard web exited (${code}) before printing its URL: ${stderr}`)),
    );
  });
}

/** `orchard web` with Chromium open on one page of it, page errors printed. */
export interface TestWindow {
  web: WebServer;
  browser: Browser;
  page: Page;
}

/**
 * Starts `orchard web` and a Chromium page sized `viewport`. `dom`: xterm's DOM renderer, so
 * terminal text can be read from its rows (WebGL would draw it on a canvas).
 */
export async function openWindow(
  env: NodeJS.ProcessEnv,
  opts: { viewport?: { width: number; height: number }; dom?: boolean } = {},
): Promise<TestWindow> {
  const web = await startWeb(env);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1360, height: 820 } });
  if (opts.dom) await page.addInitScript(() => localStorage.setItem('orchard.renderer', 'dom'));
  page.on('pageerror', (e) => console.error('page error:', e));
  return { web, browser, page };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set ORCHARD_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The text xterm shows in a tab panel (the DOM renderer's rows; the e2e page turns WebGL off). */
export function terminalText(panel: Locator): Promise<string> {
  return panel.locator('.xterm-rows').innerText();
}

/**
 * An Orchard home with a test sshd registered as the SSH host `sshtest` (its own ssh config,
 * known_hosts and remote tmux socket): `env` is for `orchard web` and CLI runs.
 */
export async function withSshHost(): Promise<{ ssh: SshTestEnv; sshd: Sshd; cleanup(): Promise<void> }> {
  const sshd = await makeSshd();
  const ssh = await makeSshEnv(sshd).catch(async (e: unknown) => {
    await sshd.cleanup();
    throw e;
  });
  return {
    ssh,
    sshd,
    async cleanup() {
      await ssh.teardown();
      await sshd.cleanup();
    },
  };
}
