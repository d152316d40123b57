// Hostile bytes: every CLI path that prints outside input (names, paths, arguments, git and tmux
// messages, errors), fed an OSC title write, a screen clear and a C1 CSI, prints no raw ESC or C1.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { safeJson, visible } from '../../src/cli/format.ts';
import { CLI, ROOT, git, makeEnv, makeRepo, type TestEnv } from '../helpers/env.ts';

const OSC = '\x1b]0;X\x07';
const CLEAR = '\x1b[2J';
const CSI1 = '\u009b';
const HOSTILE = [OSC, CLEAR, CSI1];

let t: TestEnv;
let repo: string;
beforeAll(async () => {
  t = await makeEnv();
  repo = makeRepo(t.dir, 'repo');
  // Commit subjects may hold anything: `branches` prints them.
  git(repo, 'commit', '-q', '--allow-empty', '-m', `subject ${OSC} ${CLEAR} ${CSI1} end`);
});
afterAll(() => t.cleanup());

interface Raw {
  code: number;
  out: Buffer;
  err: Buffer;
  text: string;
}

/** The CLI's raw bytes (not decoded chunk by chunk: a split C1 must not hide). */
function run(args: string[]): Promise<Raw> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: t.env, cwd: ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('close', (code) => {
      clearTimeout(timer);
      const o = Buffer.concat(out);
      const e = Buffer.concat(err);
      resolve({ code: code ?? 124, out: o, err: e, text: o.toString('utf8') + e.toString('utf8') });
    });
  });
}

/** No ESC byte, no C1 code point (UTF-8 C2 80..9F) and no lone 0x80..0x9F byte in either stream. */
function expectClean(r: Raw, what: string): void {
  for (const [name, b] of [
    ['stdout', r.out],
    ['stderr', r.err],
  ] as const) {
    expect(b.includes(0x1b), `${what}: raw ESC on ${name}: ${JSON.stringify(b.toString())}`).toBe(false);
    const s = b.toString('utf8');
    expect(/[\x80-\x9f\ufffd]/.test(s), `${what}: raw C1 on ${name}: ${JSON.stringify(s)}`).toBe(false);
  }
}

/**
 * The hostile text reached the output, shown escaped (so the check above had something to catch) —
 * or it was refused by the contract's name or id check before anything echoed it.
 */
function expectShown(r: Raw, what: string): void {
  expect(r.text, what).toMatch(/\\x1b|\\x9b|\\u001b|\\u009b|host names are letters|not a session id/);
}

describe('hostile input is printed escaped', () => {
  test('visible() and safeJson() escape C0, ESC, DEL and C1; layout kept only when asked', () => {
    expect(visible(`a${OSC}b${CLEAR}${CSI1}\x7f\n`)).toBe('a\\x1b]0;X\\x07b\\x1b[2J\\x9b\\x7f\\x0a');
    expect(visible('l1\n\tl2\r', 'layout')).toBe('l1\n\tl2\\x0d');
    const j = safeJson({ n: `x${CSI1}${OSC}\u0085` });
    // eslint-disable-next-line no-control-regex -- control characters are what must not appear
    expect(j).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(JSON.parse(j)).toEqual({ n: `x${CSI1}${OSC}\u0085` });
  });

  test('repo add / ls / rm with a hostile name, human and --json', async () => {
    for (const [i, h] of HOSTILE.entries()) {
      const name = `n${i}${h}x`;
      const add = await run(['repo', 'add', repo, '--name', name]);
      expect(add.code, add.text).toBe(0);
      expectClean(add, `repo add --name ${JSON.stringify(name)}`);
      expectShown(add, 'repo add');
      for (const args of [
        ['repo', 'ls'],
        ['repo', 'ls', '--json'],
        ['branches', name],
      ]) {
        const r = await run(args);
        expect(r.code, r.text).toBe(0);
        expectClean(r, args.join(' '));
        expectShown(r, args.join(' '));
      }
      const rm = await run(['repo', 'rm', name]);
      expect(rm.code, rm.text).toBe(0);
      expectClean(rm, 'repo rm');
      expectShown(rm, 'repo rm');
    }
  });

  test('a repo path with C1 (or C0) characters is refused, and the error is escaped', async () => {
    for (const h of HOSTILE) {
      const dir = join(t.dir, `p${HOSTILE.indexOf(h)}${h}`);
      mkdirSync(dir, { recursive: true });
      git(t.dir, 'init', '-q', dir);
      const r = await run(['repo', 'add', dir]);
      expect(r.code, r.text).toBe(1);
      expect(r.err.toString()).toMatch(/control characters/);
      expectClean(r, `repo add ${JSON.stringify(dir)}`);
    }
  });

  test('errors that echo arguments: every command', async () => {
    await run(['repo', 'add', repo, '--name', 'plain']);
    for (const h of HOSTILE) {
      const cases: string[][] = [
        ['repo', 'add', join(t.dir, `missing${h}`)],
        ['repo', 'rm', `r${h}`],
        ['branches', `r${h}`],
        ['spawn', `r${h}`, 'b'],
        ['spawn', 'plain', `b${h}`],
        ['spawn', 'plain', 'b', '--agent', `a${h}`],
        ['host', 'test', `h${h}`],
        ['host', 'add', `h${h}`],
        ['host', 'rm', `h${h}`],
        ['host', 'info', `h${h}`],
        ['send', `id${h}`, 'text'],
        ['capture', `id${h}`],
        ['kill', `id${h}`],
        ['limit', `id${h}`, '--memory', '1G'],
        ['limit', 'x', '--memory', `1${h}`],
        [`cmd${h}`],
        ['ls', `--opt${h}`],
        ['ls', `extra${h}`],
      ];
      for (const args of cases) {
        const r = await run(args);
        expect(r.code, `${JSON.stringify(args)}: ${r.text}`).not.toBe(0);
        expectClean(r, JSON.stringify(args));
        expectShown(r, JSON.stringify(args));
      }
    }
  });

  test('a session on a hostile-named repo: spawn, ls, kill print it escaped', async () => {
    const name = `s${OSC}${CLEAR}${CSI1}`;
    expect((await run(['repo', 'add', repo, '--name', name])).code).toBe(0);
    const s = await run(['spawn', name, 'feature', '--new', '--command', 'sleep 600', '--json']);
    expect(s.code, s.text).toBe(0);
    expectClean(s, 'spawn --json');
    const { id } = JSON.parse(s.out.toString()) as { id: string };
    for (const args of [['ls'], ['ls', '--json'], ['stats', '--json']]) {
      const r = await run(args);
      expect(r.code, r.text).toBe(0);
      expectClean(r, args.join(' '));
      if (args[0] === 'ls') expectShown(r, args.join(' ')); // stats names no repo
    }
    // git takes C1 in a branch name (only ASCII controls are refused): shown escaped everywhere.
    const c1 = await run(['spawn', name, `c1${CSI1}`, '--new', '--command', 'sleep 600']);
    expect(c1.code, c1.text).toBe(0);
    expectClean(c1, 'spawn of a C1 branch');
    expectShown(c1, 'spawn of a C1 branch');
    const ls = await run(['ls']);
    expectClean(ls, 'ls with a C1 branch');
    expect(ls.text).toContain('c1\\x9b');
    for (const victim of [id, c1.out.toString().split(/\s+/)[0]!]) {
      const k = await run(['kill', victim]);
      expect(k.code, k.text).toBe(0);
      expectClean(k, 'kill');
    }
  });
});
