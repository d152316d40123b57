// Finishing a session's work from the window: Chromium against a real `orchard web`, real tmux, git
// and the fake agent. Open a session's changes, read a file's diff, commit, merge, see "merged" on
// its card, clean up. Also prints how long the file list and a 5,000-line file's diff take to show.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { git, makeEnv, makeRepo, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { screenshot, type WebServer, openWindow } from './harness.ts';

/** Actions run git and re-render large diffs: give their results time to show. */
const POLL = { timeout: 15_000 };

let t: TestEnv;
let web: WebServer;
let browser: Browser;
let page: Page;
let repo: string;

beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'shop');
  git(repo, 'config', 'user.name', 'Test');
  git(repo, 'config', 'user.email', 't@example.com');
  writeFileSync(join(repo, 'a.txt'), 'one\ntwo\nthree\n');
  git(repo, 'add', 'a.txt');
  git(repo, 'commit', '-q', '-m', 'a');
  expect((await runCli(['repo', 'add', repo], t.env)).code).toBe(0);
  ({ web, browser, page } = await openWindow(t.env));
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  t?.cleanup();
});

test('changes, a diff, commit, merge, "merged" on the card, clean up', async () => {
  const spawned = await runCli(['spawn', 'shop', 'feat/ui', '--new', '--json'], t.env);
  expect(spawned.code, spawned.stderr).toBe(0);
  const s = JSON.parse(spawned.stdout) as { id: string; worktree: string };
  writeFileSync(join(s.worktree, 'a.txt'), 'one\nTWO\nthree\n');
  writeFileSync(
    join(s.worktree, 'cart.ts'),
    'export function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n',
  );
  const big =
    Array.from({ length: 5000 }, (_, i) => `export const v${i} = ${i}; // line ${i}`).join('\n') + '\n';
  writeFileSync(join(s.worktree, 'big.ts'), big);

  await page.goto(web.url);
  await page.getByRole('button', { name: /^Sessions/ }).click();
  const card = page.getByRole('listitem', { name: 'feat/ui' });
  await card.waitFor();

  const t0 = Date.now();
  await card.getByRole('button', { name: 'Changes of feat/ui' }).click();
  const view = page.getByRole('dialog', { name: 'Changes of feat/ui' });
  const files = view.getByRole('list', { name: 'Changed files' });
  await files.getByRole('button', { name: /cart\.ts/ }).waitFor();
  const listMs = Date.now() - t0;
  await expect.poll(() => files.getByRole('listitem').count(), POLL).toBe(3);
  await expect
    .poll(() => files.getByRole('button', { name: /a\.txt/ }).innerText(), POLL)
    .toMatch(/\+1\s+−1/);

  await files.getByRole('button', { name: /cart\.ts/ }).click();
  const diff = view.locator('.changes-diff');
  await expect.poll(() => diff.innerText(), POLL).toContain('return xs.reduce');
  // Highlighted: Prism tokens in the rendered code (swapped in after the plain diff).
  await expect.poll(() => diff.locator('.token.keyword').count(), POLL).toBeGreaterThan(0);
  await view.getByRole('button', { name: 'Side by side' }).click();
  await expect.poll(() => view.locator('.diff-split').count(), POLL).toBe(1);
  await screenshot(page, 'review-changes');
  await view.getByRole('button', { name: 'Unified' }).click();

  // Timed inside the page: from the click to the last line being in the document.
  await page.evaluate(() =>
    document.addEventListener('click', () => ((window as unknown as { t0: number }).t0 = performance.now()), {
      capture: true,
      once: true,
    }),
  );
  await files.getByRole('button', { name: /big\.ts/ }).click();
  const bigMs = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const t = (window as unknown as { t0: number }).t0;
        const check = () =>
          document.querySelector('.changes-diff')?.textContent?.includes('line 4999')
            ? resolve(performance.now() - t)
            : requestAnimationFrame(check);
        check();
      }),
  );
  console.log(`[review e2e] file list shown in ${listMs} ms; 5,000-line diff shown in ${bigMs} ms`);

  // Commit: the box is prefilled with the branch and the files; the confirmation says what happens.
  await view.getByRole('toolbar').getByRole('button', { name: 'Commit' }).click();
  const confirm = view.getByRole('form', { name: 'Confirm Commit' });
  await expect.poll(() => confirm.innerText(), POLL).toMatch(/Commits all 3 changed file\(s\).*on feat\/ui/s);
  expect(await confirm.getByRole('textbox').inputValue()).toMatch(/^feat\/ui\n\n- a\.txt/);
  await confirm.getByRole('button', { name: 'Commit now' }).click();
  await expect
    .poll(() => view.locator('.changes-result').innerText(), POLL)
    .toMatch(/Committed [0-9a-f]{10} on feat\/ui/);
  expect(git(s.worktree, 'status', '--porcelain')).toBe('');

  await view.getByRole('toolbar').getByRole('button', { name: 'Merge' }).click();
  const mconfirm = view.getByRole('form', { name: 'Confirm Merge' });
  await expect.poll(() => mconfirm.innerText(), POLL).toMatch(/Merges feat\/ui into main/);
  await mconfirm.getByRole('button', { name: 'Merge now' }).click();
  await expect
    .poll(() => view.locator('.changes-result').innerText(), POLL)
    .toMatch(/Merged feat\/ui into main \(fast-forward\)/);
  expect(git(repo, 'rev-parse', 'main')).toBe(git(s.worktree, 'rev-parse', 'HEAD'));
  await view.getByRole('button', { name: 'Close changes' }).click();

  // The card says merged (the session list is pushed), and Clean up removes the worktree.
  await card.getByText('merged', { exact: true }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'review-merged-card');
  await card.getByRole('button', { name: 'Clean up feat/ui' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clean up feat/ui?' });
  await expect
    .poll(() => dialog.innerText(), POLL)
    .toMatch(/removes its worktree .* The branch feat\/ui is kept/s);
  await dialog.getByRole('button', { name: 'Clean up', exact: true }).click();
  await waitFor(() => !existsSync(s.worktree), 10_000, 'worktree removed');
  await card.waitFor({ state: 'detached', timeout: 10_000 });
  expect(git(repo, 'branch', '--list', 'feat/ui')).toContain('feat/ui');
});
