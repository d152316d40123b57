// The one quoting function, checked against a real POSIX shell: whatever the bytes, sh must hand
// the program exactly the argv we meant, and never run anything in the data.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { remoteCommandLine } from '../../src/core/ssh/command-line.ts';
import { shJoin, shQuote } from '../../src/core/util/quote.ts';

const dir = mkdtempSync(join(tmpdir(), 'orchard-quote-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const canary = join(dir, 'pwned');
const hostile = [
  '',
  ' ',
  "'",
  "''",
  '"',
  '\\',
  "it's",
  `a'b"c\\d`,
  '$(touch ' + canary + ')',
  '`touch ' + canary + '`',
  '${IFS}',
  '$HOME',
  '; touch ' + canary,
  '&& touch ' + canary,
  '| touch ' + canary,
  '> ' + canary,
  '*',
  '?',
  '[a]',
  '~',
  '~root',
  '=ls',
  '-n',
  '--',
  '#comment',
  'a\nb',
  '\ttab',
  'ünï/cødé-😀',
  '\x01\x1f\x7f',
  "'\\''",
  '!event',
  '{a,b}',
  'a=b',
];

/** Print each argv element NUL-terminated, so the round trip shows every byte. */
function viaSh(line: string): string[] {
  const out = execFileSync('sh', ['-c', line], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shQuote / shJoin', () => {
  test.each(hostile.map((s) => [JSON.stringify(s), s]))('%s survives sh -c', (_, s) => {
    expect(viaSh(shJoin(['printf', '%s\\0', s]))).toEqual([s]);
  });

  test('all of them at once, nothing runs', () => {
    expect(viaSh(shJoin(['printf', '%s\\0', ...hostile]))).toEqual(hostile);
    expect(existsSync(canary)).toBe(false);
  });

  test('plain words stay readable; everything else is single-quoted', () => {
    expect(shQuote('git')).toBe('git');
    expect(shQuote('/a/b-c_d.e')).toBe('/a/b-c_d.e');
    expect(shQuote('a b')).toBe("'a b'");
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
    expect(shQuote('')).toBe("''");
  });

  test('NUL cannot be passed through a command line', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('remoteCommandLine (what the SSH runner sends)', () => {
  test('argv, cwd and env arrive intact through a login shell and sh -c', () => {
    const args = hostile.filter((s) => s !== '');
    const line = remoteCommandLine(['sh', '-c', 'pwd; printf "%s\\0" "$V" "$@"', 'sh', ...args], {
      cwd: dir,
      env: { V: `$(touch ${canary}) it's` },
    });
    // bash plays the user's login shell, which parses the line first.
    const out = execFileSync('bash', ['-c', line], { encoding: 'utf8' });
    const [pwd, ...rest] = out.split('\n');
    expect(pwd).toBe(dir);
    const parts = [pwd, ...rest]
      .join('\n')
      .slice(dir.length + 1)
      .split('\0')
      .slice(0, -1);
    expect(parts).toEqual([`$(touch ${canary}) it's`, ...args]);
    expect(existsSync(canary)).toBe(false);
  });

  test('a cwd that does not exist fails the command instead of running it elsewhere', () => {
    const line = remoteCommandLine(['touch', canary], { cwd: join(dir, 'missing') });
    expect(() => execFileSync('bash', ['-c', line], { stdio: 'ignore' })).toThrow();
    expect(existsSync(canary)).toBe(false);
  });

  test('commands get a UTF-8 character type when the session has no locale', () => {
    const line = remoteCommandLine(['sh', '-c', 'printf "%s" "${LC_ALL:-${LC_CTYPE:-$LANG}}"']);
    const env = { PATH: process.env.PATH };
    expect(execFileSync('bash', ['-c', line], { encoding: 'utf8', env })).toMatch(/UTF-8/);
    const kept = execFileSync('bash', ['-c', line], {
      encoding: 'utf8',
      env: { ...env, LANG: 'en_US.UTF-8' },
    });
    expect(kept).toBe('en_US.UTF-8');
  });

  test('bad environment names are refused', () => {
    expect(() => remoteCommandLine(['true'], { env: { 'A;B': 'x' } })).toThrow(/environment variable/);
    expect(() => remoteCommandLine([])).toThrow(/empty/);
  });
});

test('words with = are quoted: no zsh =cmd expansion, no assignment as the first word', () => {
  expect(shJoin(['=ls', 'FOO=bar', 'a=b'])).toBe(`'=ls' 'FOO=bar' 'a=b'`);
  expect(shJoin(['tmux', '-L', 'orchard', 'attach-session', '-t', '=name:'])).toBe(
    `tmux -L orchard attach-session -t '=name:'`,
  );
});
