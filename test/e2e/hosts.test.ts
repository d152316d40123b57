// Hosts from the window, end to end: Chromium against a real `orchard web` and a real OpenSSH sshd
// on 127.0.0.1. Add a host whose key is unknown and whose identity is an encrypted key: the dialog
// shows the SHA256 fingerprint, trusts exactly that key, asks for the key's passphrase in the page,
// and connects. Then the sshd goes away and the sidebar says the host is unreachable.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { JsonFileStore } from '../../src/core/store/json-store.ts';
import { makeEnv, type TestEnv } from '../helpers/env.ts';
import { ENCRYPTED_KEY_PASSPHRASE, makeSshd, type Sshd } from '../helpers/sshd.ts';
import { screenshot, type WebServer, openWindow } from './harness.ts';

let t: TestEnv;
let sshd: Sshd;
let web: WebServer;
let browser: Browser;
let page: Page;
let fp: string;

beforeAll(async () => {
  sshd = await makeSshd();
  fp = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(
    /\s+/,
  )[1]!;
  t = await makeEnv();
  const sshConfig = join(t.dir, 'ssh_config');
  const knownHosts = join(t.dir, 'known_hosts');
  writeFileSync(sshConfig, 'IdentityAgent none\n');
  writeFileSync(knownHosts, '');
  ({ web, browser, page } = await openWindow({
    ...t.env,
    ORCHARD_SSH_CONFIG: sshConfig,
    ORCHARD_KNOWN_HOSTS: knownHosts,
  }));
  await page.goto(web.url);
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
  await sshd?.cleanup();
});

test('add a host: see its fingerprint, trust it, give the key passphrase in the page, connected', async () => {
  await page.getByRole('button', { name: 'Add host' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add SSH host' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('box');
  await dialog.getByRole('textbox', { name: /Address/ }).fill(`${sshd.user}@127.0.0.1:${sshd.port}`);
  await dialog.getByRole('textbox', { name: /Identity/ }).fill(sshd.encryptedKey);
  await dialog.getByRole('button', { name: 'Add host' }).click();

  const shown = dialog.getByTestId('fingerprint');
  await shown.waitFor({ timeout: 20_000 });
  expect(await shown.innerText()).toBe(fp);
  await screenshot(page, 'host-unknown-key');
  const store = JsonFileStore.inHome(t.home);
  expect((await store.read()).trustedHostKeys ?? []).toEqual([]);
  await dialog.getByRole('button', { name: 'Trust this key' }).click();

  // Trusted: the next connect needs the encrypted key's passphrase, asked by this page.
  const ask = page.getByRole('dialog', { name: 'SSH key passphrase' });
  await ask.waitFor({ timeout: 20_000 });
  expect(await ask.innerText()).toContain(sshd.encryptedKey);
  await ask.getByLabel('Passphrase').fill(ENCRYPTED_KEY_PASSPHRASE);
  await screenshot(page, 'host-passphrase');
  await ask.getByRole('button', { name: 'Unlock' }).click();

  await dialog.getByText(/^connected \(\d+ ms\)$/).waitFor({ timeout: 20_000 });
  expect(await dialog.innerText()).toMatch(/tmux\s+tmux 3\./);
  await screenshot(page, 'host-connected');
  expect((await store.read()).trustedHostKeys?.map((k) => k.fingerprint)).toEqual([fp]);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('treeitem', { name: 'box' }).waitFor();
});

test('the sshd goes away: the sidebar marks the host unreachable, with the reason', async () => {
  await sshd.stop();
  const row = page.getByRole('treeitem', { name: 'box' });
  const badge = row.locator('.badge', { hasText: 'unreachable' });
  await badge.waitFor({ timeout: 30_000 });
  expect(await badge.getAttribute('title')).toMatch(/box/);
  await screenshot(page, 'host-unreachable');
  await sshd.start();
});
