// `orchard pr` with a stand-in `gh` on the session host's PATH that records its argv, and without a
// usable gh (not installed / not logged in): the compare URL of GitHub- and GitLab-style remotes.
// Run locally and over the test sshd (whose sessions get the stand-in's folder on their PATH).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { git, makeEnv, makeRepo, runCli, type TestEnv } from '../helpers/env.ts';
import { makeSshd, makeSshEnv, type Sshd } from '../helpers/sshd.ts';

interface Setup {
  env: TestEnv;
  repoRef(p: string): string;
  /** PATH for CLI processes (the local host's gh comes from it). */
  path(withGh: boolean): string;
  teardown(): Promise<void>;
}

const ghDir = realpathSync(mkdtempSync(join(tmpdir(), 'orchard-gh-')));
const ghLog = join(ghDir, 'argv.log');
const loggedOut = join(ghDir, 'logged-out');
// Each call appends its argv, NUL-separated, one call per line.
writeFileSync(
  join(ghDir, 'gh'),
  [
    '#!/bin/sh',
    `for a in "$@"; do printf '%s\\0' "$a"; done >> '${ghLog}'; echo >> '${ghLog}'`,
    `if [ "$1" = auth ]; then [ -e '${loggedOut}' ] && exit 1; exit 0; fi`,
    'if [ "$1" = pr ]; then echo "Creating pull request..." >&2; echo https://github.com/o/r/pull/7; fi',
  ].join('\n') + '\n',
  { mode: 0o755 },
);

const kinds: Array<{ name: string; setup(): Promise<Setup> }> = [
  {
    name: 'local',
    async setup() {
      const env = await makeEnv();
      return {
        env,
        repoRef: (p) => p,
        path: (withGh) => (withGh ? `${ghDir}:${process.env.PATH}` : process.env.PATH!),
        teardown: async () => env.cleanup(),
      };
    },
  },
  {
    name: 'ssh',
    async setup() {
      const sshd: Sshd = await makeSshd({ env: { PATH: `${ghDir}:${process.env.PATH}` } });
      const e = await makeSshEnv(sshd);
      return {
        env: e.env,
        repoRef: e.repoRef,
        path: () => process.env.PATH!,
        teardown: async () => {
          await e.teardown();
          await sshd.cleanup();
        },
      };
    },
  },
];

describe.each(kinds)('orchard pr over $name', (kind) => {
  let h: Setup;
  let repo: string;
  let origin: string;
  beforeAll(async () => {
    h = await kind.setup();
    origin = join(h.env.dir, 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    repo = makeRepo(h.env.dir, 'repo');
    git(repo, 'config', 'user.name', 'Test');
    git(repo, 'config', 'user.email', 't@example.com');
    git(repo, 'remote', 'add', 'origin', origin);
    git(repo, 'push', '-q', 'origin', 'main');
  });
  afterAll(async () => {
    await h.teardown();
    rmSync(loggedOut, { force: true });
  });

  test('gh logged in: pushes, runs gh pr create with the right arguments, remembers the URL', async () => {
    rmSync(ghLog, { force: true });
    rmSync(loggedOut, { force: true });
    const s = await h.env.engine.spawn({ repo: h.repoRef(repo), branch: 'feat/pr', newBranch: true });
    writeFileSync(join(s.worktree, 'x.txt'), 'x\n');
    git(s.worktree, 'add', 'x.txt');
    git(s.worktree, 'commit', '-q', '-m', 'the subject');
    const env = { ...h.env.env, PATH: h.path(true) };
    const r = await runCli(['pr', s.id, '--body', "it's $(done)", '--draft', '--json'], env);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ url: 'https://github.com/o/r/pull/7', via: 'gh' });
    const calls = readFileSync(ghLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\0').filter(Boolean));
    expect(calls[0]).toEqual(['auth', 'status']);
    expect(calls[1]).toEqual([
      'pr',
      'create',
      '--head',
      'feat/pr',
      '--base',
      'main',
      '--title',
      'the subject',
      '--body',
      "it's $(done)",
      '--draft',
    ]);
    // Pushed first (gh needs the branch on the remote), the URL kept on the session.
    expect(git(origin, 'rev-parse', '--verify', 'refs/heads/feat/pr').trim()).toBe(
      git(s.worktree, 'rev-parse', 'HEAD').trim(),
    );
    expect((await h.env.engine.find(s.id)).prUrl).toBe('https://github.com/o/r/pull/7');
    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout) as Array<Record<string, unknown>>;
    expect(ls.find((x) => x.id === s.id)?.prUrl).toBe('https://github.com/o/r/pull/7');
    await h.env.engine.kill(s.id, { removeWorktree: true });
  });

  test('no usable gh: the compare URL for GitHub- and GitLab-style remotes, and what is missing', async () => {
    writeFileSync(loggedOut, '');
    rmSync(ghLog, { force: true });
    const env = { ...h.env.env, PATH: h.path(false) };
    const s = await h.env.engine.spawn({ repo: h.repoRef(repo), branch: 'feat/cmp', newBranch: true });
    git(repo, 'remote', 'set-url', 'origin', 'git@github.com:acme/widgets.git');
    const gh = await runCli(['pr', s.id], env);
    expect(gh.code).toBe(0);
    expect(gh.stdout.trim()).toBe('https://github.com/acme/widgets/compare/main...feat/cmp?expand=1');
    expect(gh.stderr).toMatch(/gh|GitHub CLI/);
    expect(gh.stderr.trim().split('\n')).toHaveLength(1);
    git(repo, 'remote', 'set-url', 'origin', 'https://gitlab.example.com/group/sub/widgets.git');
    const gl = await runCli(['pr', s.id, '--json'], env);
    expect(JSON.parse(gl.stdout)).toMatchObject({
      via: 'compare',
      url:
        'https://gitlab.example.com/group/sub/widgets/-/merge_requests/new?' +
        'merge_request%5Bsource_branch%5D=feat%2Fcmp&merge_request%5Btarget_branch%5D=main',
    });
    expect((await h.env.engine.find(s.id)).prUrl).toContain('gitlab.example.com');
    // Nothing was pushed anywhere and gh never created anything.
    expect(existsSync(ghLog) ? readFileSync(ghLog, 'utf8') : '').not.toContain('create');
    git(repo, 'remote', 'set-url', 'origin', origin);
    await h.env.engine.kill(s.id, { removeWorktree: true });
  });
});
