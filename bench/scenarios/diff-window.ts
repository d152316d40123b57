// The Changes view in Chromium through `orchard web`: click "Changes" → the 200-file list of the
// `diff` scenario's branch on screen; click a 5,000-line file → its last line in the document. Both
// timed in the page, from the click event (request, git, render). Median of 5.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, startWeb } from '../../test/e2e/harness.ts';
import { runCli } from '../../test/helpers/env.ts';
import { benchEnv, git, makeRepo, median, type Row } from '../lib.ts';

const RUNS = 5;

/** ms from the next click to `done()` holding in the page. */
async function timeClick(page: Page, click: () => Promise<void>, done: string): Promise<number> {
  await page.evaluate(() =>
    document.addEventListener('click', () => ((window as unknown as { t0: number }).t0 = performance.now()), {
      capture: true,
      once: true,
    }),
  );
  await click();
  return page.evaluate(
    (src) =>
      new Promise<number>((resolve) => {
        const test = new Function(`return (${src})`) as () => boolean;
        const check = () =>
          test()
            ? resolve(performance.now() - (window as unknown as { t0: number }).t0)
            : requestAnimationFrame(check);
        check();
      }),
    done,
  );
}

export async function diffWindowScenario(): Promise<Row[]> {
  const b = await benchEnv();
  const web = await startWeb(b.env);
  const browser = await launchChromium();
  try {
    const repo = makeRepo(b.dir, 'repo');
    git(repo, 'config', 'user.name', 'Bench');
    git(repo, 'config', 'user.email', 'b@b');
    const line = (i: number, l: number, tag: string) => `${tag} ${i}:${l} const value${l} = compute(${l});`;
    for (let i = 0; i < 200; i++)
      writeFileSync(
        join(repo, `f${i}.ts`),
        Array.from({ length: 100 }, (_, l) => line(i, l, 'old')).join('\n') + '\n',
      );
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'files');
    await runCli(['repo', 'add', repo], b.env);
    const s = JSON.parse(
      (await runCli(['spawn', 'repo', 'big', '--new', '--command', 'sleep 600', '--json'], b.env)).stdout,
    );
    for (let i = 0; i < 200; i++)
      writeFileSync(
        join(s.worktree, `f${i}.ts`),
        Array.from({ length: 100 }, (_, l) => line(i, l, l < 50 ? 'new' : 'old')).join('\n') + '\n',
      );
    writeFileSync(
      join(s.worktree, 'f0.ts'),
      Array.from({ length: 5000 }, (_, l) => `export const v${l} = ${l}; // line ${l}`).join('\n') + '\n',
    );

    const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
    await page.goto(web.url);
    await page.getByRole('button', { name: /^Sessions/ }).click();
    const list: number[] = [];
    const file: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      list.push(
        await timeClick(
          page,
          () => page.getByRole('button', { name: 'Changes of big' }).first().click(),
          `document.querySelectorAll('.changes-files li').length === 200`,
        ),
      );
      file.push(
        await timeClick(
          page,
          () => page.locator('.changes-files button', { hasText: /^\s*M\s*f0\.ts/ }).click(),
          `(document.querySelector('.changes-diff')?.textContent ?? '').includes('line 4999')`,
        ),
      );
      await page.getByRole('button', { name: 'Close changes' }).click();
    }
    return [
      {
        scenario: 'diff',
        metric: 'window: click Changes → 200-file list shown (median of 5)',
        orchard: median(list),
        baseline: null,
        unit: 'ms',
        target: '< 300',
        ok: median(list) < 300,
        note: 'Chromium through orchard web; request + git + render',
      },
      {
        scenario: 'diff',
        metric: 'window: click a 5,000-line file → its diff shown (median of 5)',
        orchard: median(file),
        baseline: null,
        unit: 'ms',
        target: '< 500',
        ok: median(file) < 500,
        note: 'plain first; highlighting follows',
      },
    ];
  } finally {
    await browser.close();
    await web.stop();
    b.dispose();
  }
}
