// `orchard send <id> -`: the text comes from stdin, so it is not bound by argv's ~128 KB per argument.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, makeEnv, makeRepo, ROOT, waitFor, type TestEnv } from '../helpers/env.ts';

let t: TestEnv;
beforeAll(async () => {
  t = await makeEnv();
});
afterAll(() => t.cleanup());

function sendFromStdin(id: string, input: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'send', id, '-'], { env: t.env, cwd: ROOT });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 124, stderr });
    });
    child.stdin.end(input);
  });
}

test('1 MB of text through stdin reaches the session intact', async () => {
  const repo = makeRepo(t.dir, 'repo');
  const out = join(t.dir, 'received.txt');
  // The pane's program stores what it is given: no echo, canonical lines (each < 4096 bytes).
  const s = await t.engine.spawn({
    repo,
    branch: 'main',
    command: `stty -echo; cat > '${out}'`,
  });
  const line = (i: number) => `${String(i).padStart(6, '0')} ${'abcdefghij'.repeat(9)}ünï\n`;
  let text = '';
  for (let i = 0; text.length < 1024 * 1024; i++) text += line(i);
  text = text.slice(0, text.lastIndexOf('\n'));
  expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024 - 200);
  const r = await sendFromStdin(s.id, text);
  expect(r.code, r.stderr).toBe(0);
  // The text, then the Enter the command adds.
  const want = Buffer.byteLength(text) + 1;
  await waitFor(() => existsSync(out) && statSync(out).size >= want, 30_000, 'all of it written');
  expect(readFileSync(out, 'utf8')).toBe(`${text}\n`);
  await t.engine.kill(s.id);
});
