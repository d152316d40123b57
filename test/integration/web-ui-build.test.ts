// `orchard web` in a checkout without out/ (what `git clone` + `npm install` leaves): the UI is
// built on first need with a progress line, then the real page and its scripts are served.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeEnv, ROOT, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
let tree: string;
beforeAll(async () => {
  t = await makeEnv();
  // The checkout as git has it (tracked and new files, nothing ignored: no out/), with the
  // dependencies `npm install` would have put there.
  tree = join(realpathSync(mkdtempSync(join(tmpdir(), 'orchard-clone-'))), 'orchard');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(tree, f)), { recursive: true });
    cpSync(join(ROOT, f), join(tree, f));
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(tree, 'node_modules'));
  expect(existsSync(join(tree, 'out'))).toBe(false);
});
afterAll(() => {
  t.cleanup();
  rmSync(dirname(tree), { recursive: true, force: true });
});

test(
  'a tree without out/ builds the UI on first start and serves the real page',
  { timeout: 300_000 },
  async () => {
    const { ORCHARD_WEB_BUILD: _off, ...env } = t.env;
    const child = spawn(process.execPath, [join(tree, 'bin/orchard.js'), 'web', '--port', '0'], {
      env,
      cwd: tree,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = new URL(
        await waitFor(() => /^(http:\/\/\S+)\n/m.exec(out)?.[1], 240_000, `the URL (${err})`),
      );
      expect(err).toMatch(
        /^orchard web: building the UI \(first start after install; this takes a minute\)\.\.\.\n/,
      );
      expect(err).toMatch(/orchard web: UI built in \d+ s\n/);
      expect(err).not.toMatch(/not built/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).toBeDefined();
      const js = await fetch(new URL(script!, url), {
        headers: { cookie: page.headers.get('set-cookie')!.split(';')[0]! },
      });
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect((await js.text()).length).toBeGreaterThan(10_000);
      expect(existsSync(join(tree, 'out/.orchard-ui-build.lock'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // Built and fresh: the next start builds nothing.
    const again = spawn(process.execPath, [join(tree, 'bin/orchard.js'), 'web', '--port', '0'], {
      env,
      cwd: tree,
    });
    let out2 = '';
    let err2 = '';
    again.stdout.on('data', (d) => (out2 += d));
    again.stderr.on('data', (d) => (err2 += d));
    const exited2 = new Promise<number | null>((r) => again.once('exit', (code) => r(code)));
    try {
      await waitFor(() => /^http:\/\/\S+\n/m.test(out2), 30_000, 'the URL');
      expect(err2).toBe('');
    } finally {
      again.kill('SIGTERM');
    }
    expect(await exited2).toBe(0);
  },
);
