// Review against real git with a bare `origin` made here, once per host kind (local, and over the
// test sshd): diff (committed, uncommitted, untracked, renamed, deleted, binary), commit, merge
// (fast-forward, true merge, squash, rebase), push, gc; and every refusal changes nothing.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as review from '../../src/core/review/service.ts';
import { gc } from '../../src/core/sessions/gc.ts';
import { git, makeRepo, pwnedFiles, runCli, waitFor } from '../helpers/env.ts';
import { hostKinds, type HostSetup } from '../helpers/hosts.ts';

const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`).join('\n') + '\n';

/** A repo with main pushed to a bare origin (origin/HEAD set), and an identity for commits. */
function makeRepoWithOrigin(dir: string, name: string): { repo: string; origin: string } {
  const origin = join(dir, `${name}-origin.git`);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  const repo = makeRepo(dir, name);
  git(repo, 'config', 'user.name', 'Test');
  git(repo, 'config', 'user.email', 't@example.com');
  writeFileSync(join(repo, 'a.txt'), lines(10, 'a'));
  writeFileSync(join(repo, 'del.txt'), lines(4, 'del'));
  writeFileSync(join(repo, 'ren.txt'), lines(20, 'ren'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'files');
  git(repo, 'remote', 'add', 'origin', origin);
  git(repo, 'push', '-q', '-u', 'origin', 'main');
  git(repo, 'remote', 'set-head', 'origin', 'main');
  return { repo, origin };
}

/** Everything a refusal must leave alone. */
const snapshotState = (...trees: string[]) =>
  trees.map((t) => ({
    refs: git(t, 'for-each-ref'),
    status: t.endsWith('.git') ? '' : git(t, 'status', '--porcelain', '--untracked-files=all'),
  }));

describe.each(hostKinds())('review over $name', (kind) => {
  let h: HostSetup;
  let repo: string;
  let origin: string;
  beforeAll(async () => {
    h = await kind.setup();
    ({ repo, origin } = makeRepoWithOrigin(h.env.dir, 'repo'));
  });
  afterAll(async () => h.teardown());

  test('diff shows every kind of change with counts; commit; fast-forward merge; push; gc', async () => {
    const { engine, env } = h.env;
    const s = await engine.spawn({ repo: h.repoRef(repo), branch: 'feat/one', newBranch: true });
    expect(s.base).toBe('main');
    const wt = s.worktree;
    // A same-size edit right after the worktree was made (git's "racily clean" case) is seen.
    writeFileSync(join(wt, 'a.txt'), lines(10, 'a').replace('a line 1\n', 'A LINE 1\n'));
    await new Promise((r) => setTimeout(r, 1100)); // so a copied index would look newer than the edit
    expect((await review.diff(engine, { id: s.id })).files).toEqual([
      expect.objectContaining({ path: 'a.txt', additions: 1, deletions: 1 }),
    ]);
    // The agent's work: one commit, then uncommitted edits of every kind.
    writeFileSync(join(wt, 'committed.txt'), lines(3, 'c'));
    git(wt, 'add', 'committed.txt');
    git(wt, 'commit', '-q', '-m', 'committed work');
    writeFileSync(
      join(wt, 'a.txt'),
      lines(10, 'a').replace('a line 1\n', 'A LINE 1\n').replace('a line 2\n', 'A LINE 2\n') + 'extra\n',
    );
    unlinkSync(join(wt, 'del.txt'));
    renameSync(join(wt, 'ren.txt'), join(wt, 'moved.txt'));
    writeFileSync(join(wt, 'new.txt'), lines(3, 'n'));
    writeFileSync(join(wt, 'bin.dat'), Buffer.from([0, 1, 2, 3, 0, 255, 0, 10]));
    const before = snapshotState(wt);
    const cached = git(wt, 'diff', '--cached', '--name-only');

    const cli = await runCli(['diff', s.id, '--json'], env);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const d = JSON.parse(cli.stdout) as Awaited<ReturnType<typeof review.diff>>;
    const by = (p: string) => d.files.find((f) => f.path === p);
    expect(d).toMatchObject({ base: 'main', branch: 'feat/one' });
    expect(by('committed.txt')).toMatchObject({
      status: 'added',
      additions: 3,
      deletions: 0,
      untracked: false,
    });
    expect(by('a.txt')).toMatchObject({ status: 'modified', additions: 3, deletions: 2 });
    expect(by('del.txt')).toMatchObject({ status: 'deleted', additions: 0, deletions: 4 });
    expect(by('moved.txt')).toMatchObject({
      status: 'renamed',
      oldPath: 'ren.txt',
      additions: 0,
      deletions: 0,
    });
    expect(by('new.txt')).toMatchObject({ status: 'added', additions: 3, untracked: true });
    expect(by('bin.dat')).toMatchObject({ status: 'added', binary: true, untracked: true });
    expect(by('bin.dat')?.patch).toBeUndefined();
    expect(by('a.txt')?.patch).toContain('+A LINE 2');
    expect(d.files).toHaveLength(6);
    // The worktree's own index and status are untouched by reading the diff.
    expect(snapshotState(wt)).toEqual(before);
    expect(git(wt, 'diff', '--cached', '--name-only')).toBe(cached);

    const stat = await runCli(['diff', s.id, '--stat'], env);
    expect(stat.stdout).toMatch(/R\??\s+\+0\s+-0\s+ren\.txt => moved\.txt/);
    const names = await runCli(['diff', s.id, '--name-only'], env);
    expect(names.stdout.split('\n').filter(Boolean).sort()).toEqual(
      ['a.txt', 'bin.dat', 'committed.txt', 'del.txt', 'moved.txt', 'new.txt'].sort(),
    );
    // One file's patch on demand, from the same pair of trees.
    const one = await review.patch(engine, { id: s.id, mergeBase: d.mergeBase, tree: d.tree, path: 'a.txt' });
    expect(one.patch).toContain('+extra');

    // ls --json: the base and ahead/behind.
    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout) as Array<Record<string, unknown>>;
    expect(ls.find((x) => x.id === s.id)).toMatchObject({ base: 'main', ahead: 1, behind: 0 });

    const c = await runCli(['commit', s.id, '-m', 'agent work', '--all', '--json'], env);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ branch: 'feat/one', subject: 'agent work' });
    expect(git(wt, 'status', '--porcelain')).toBe('');

    // main is checked out in the repo's own work tree: the merge happens there, a fast-forward.
    const m = await runCli(['merge', s.id, '--json'], env);
    expect(m.stderr).toBe('');
    const merged = JSON.parse(m.stdout) as { fastForward: boolean; where: string; sha: string };
    expect(merged).toMatchObject({ fastForward: true, where: repo });
    expect(git(repo, 'rev-parse', 'main').trim()).toBe(git(wt, 'rev-parse', 'HEAD').trim());
    expect(existsSync(join(repo, 'moved.txt'))).toBe(true);
    expect((await engine.find(s.id)).merged).toBe(`main ${merged.sha}`);

    const p = await runCli(['push', s.id, '--json'], env);
    expect(p.stderr).toBe('');
    expect(JSON.parse(p.stdout)).toMatchObject({
      remote: 'origin',
      remoteBranch: 'feat/one',
      upstreamSet: true,
    });
    expect(git(origin, 'rev-parse', 'feat/one').trim()).toBe(merged.sha);
    expect(git(wt, 'rev-parse', '--abbrev-ref', 'feat/one@{upstream}').trim()).toBe('origin/feat/one');

    // gc: nothing while the agent runs; once it has exited, the worktree goes, the branch stays.
    expect((await gc(engine, true)).items.filter((i) => i.worktree === wt)).toEqual([]);
    await engine.send(s.id, '/exit');
    await waitFor(async () => (await engine.find(s.id)).state === 'exited', 10_000, 'agent exit');
    const dry = await runCli(['gc', '--dry-run', '--json'], env);
    expect(JSON.parse(dry.stdout).items).toEqual([
      expect.objectContaining({ worktree: wt, action: 'remove-worktree', done: false }),
    ]);
    expect(existsSync(wt)).toBe(true);
    const done = await runCli(['gc', '--json'], env);
    const worktreeItems = (JSON.parse(done.stdout).items as Array<{ action: string }>).filter(
      (i) => i.action !== 'remove-transcripts',
    );
    expect(worktreeItems).toEqual([expect.objectContaining({ worktree: wt, done: true })]);
    expect(existsSync(wt)).toBe(false);
    expect(git(repo, 'branch', '--list', 'feat/one')).toContain('feat/one');
  });

  test('true merge, squash into a base checked out nowhere, rebase; --delete-branch', async () => {
    const { engine } = h.env;
    const a = await engine.spawn({ repo: h.repoRef(repo), branch: 'feat/two', newBranch: true });
    writeFileSync(join(a.worktree, 'two.txt'), 'two\n');
    await review.commit(engine, a.id, 'two', true);
    writeFileSync(join(repo, 'main-moved.txt'), 'main\n');
    git(repo, 'add', 'main-moved.txt');
    git(repo, 'commit', '-q', '-m', 'main moved on');
    const r = await review.merge(engine, { id: a.id, deleteWorktree: true, deleteBranch: true });
    expect(r).toMatchObject({
      fastForward: false,
      mode: 'merge',
      worktreeRemoved: true,
      branchDeleted: true,
    });
    expect(git(repo, 'rev-list', '--parents', '-n1', 'main').trim().split(' ')).toHaveLength(3);
    expect(existsSync(join(repo, 'two.txt'))).toBe(true);
    expect(git(repo, 'branch', '--list', 'feat/two')).toBe('');
    expect(existsSync(a.worktree)).toBe(false);

    // Squash into `release`, checked out nowhere: refs only, no checkout switched.
    git(repo, 'branch', 'release', 'main');
    const b = await engine.spawn({ repo: h.repoRef(repo), branch: 'feat/three', newBranch: true });
    const set = await runCli(['base', b.id, 'release', '--json'], h.env.env);
    expect(JSON.parse(set.stdout)).toMatchObject({ base: 'release' });
    writeFileSync(join(b.worktree, 'three.txt'), 'three\n');
    const head = git(repo, 'symbolic-ref', 'HEAD');
    const sq = await review.merge(engine, {
      id: b.id,
      mode: 'squash',
      all: true,
      message: 'three, squashed',
    });
    expect(sq).toMatchObject({ into: 'release', where: null, mode: 'squash' });
    expect(sq.committed).toMatch(/^[0-9a-f]{40}$/);
    expect(git(repo, 'log', '-1', '--format=%P%n%s', 'release').trim().split('\n')).toEqual([
      git(repo, 'rev-parse', 'main').trim(),
      'three, squashed',
    ]);
    expect(git(repo, 'show', 'release:three.txt')).toBe('three\n');
    expect(git(repo, 'symbolic-ref', 'HEAD')).toBe(head);
    // A squash never fully merges a branch: deleting it with one is refused before anything changes.
    writeFileSync(join(b.worktree, 'three.txt'), 'three again\n');
    await review.commit(engine, b.id, 'three again', true);
    const refs = git(repo, 'for-each-ref');
    await expect(
      review.merge(engine, { id: b.id, mode: 'squash', deleteWorktree: true, deleteBranch: true }),
    ).rejects.toThrow(/never fully merges/);
    expect(git(repo, 'for-each-ref')).toBe(refs);
    expect(existsSync(b.worktree)).toBe(true);

    // Rebase onto a main that moved: linear history, main fast-forwarded in its own work tree.
    const c = await engine.spawn({ repo: h.repoRef(repo), branch: 'feat/four', newBranch: true });
    writeFileSync(join(c.worktree, 'four.txt'), 'four\n');
    await review.commit(engine, c.id, 'four', true);
    writeFileSync(join(repo, 'main-again.txt'), 'again\n');
    git(repo, 'add', 'main-again.txt');
    git(repo, 'commit', '-q', '-m', 'main again');
    const rb = await review.merge(engine, { id: c.id, mode: 'rebase' });
    expect(rb.where).toBe(repo);
    expect(git(repo, 'rev-list', '--parents', '-n1', 'main').trim().split(' ')).toHaveLength(2);
    expect(git(repo, 'log', '-2', '--format=%s', 'main').trim()).toBe('four\nmain again');
    for (const x of [b, c]) await engine.kill(x.id, { removeWorktree: true, force: true });
  });

  test('a conflicting merge is refused, lists the files and changes nothing', async () => {
    const { engine, env } = h.env;
    const s = await engine.spawn({ repo: h.repoRef(repo), branch: 'feat/conflict', newBranch: true });
    writeFileSync(join(s.worktree, 'a.txt'), 'branch side\n');
    writeFileSync(join(s.worktree, 'moved.txt'), 'branch side\n');
    await review.commit(engine, s.id, 'branch edits', false);
    writeFileSync(join(repo, 'a.txt'), 'main side\n');
    writeFileSync(join(repo, 'moved.txt'), 'main side\n');
    git(repo, 'commit', '-q', '-am', 'main edits');
    writeFileSync(join(repo, 'untracked-in-main.txt'), 'x\n');
    const before = snapshotState(repo, s.worktree);
    for (const args of [[], ['--squash'], ['--rebase'], ['--all']]) {
      const r = await runCli(['merge', s.id, ...args], env);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/would conflict in: a\.txt, moved\.txt \(nothing was changed\)/);
      expect(snapshotState(repo, s.worktree)).toEqual(before);
    }
    rmSync(join(repo, 'untracked-in-main.txt'));
    await engine.kill(s.id, { removeWorktree: true, force: true });
  });

  test('dirty target, detached HEAD, no upstream, rejected push, hostile names: one line, nothing changed', async () => {
    const { engine, env, dir } = h.env;
    const oneLine = async (args: string[], re: RegExp, ...trees: string[]) => {
      const before = snapshotState(...trees);
      const r = await runCli(args, env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(snapshotState(...trees)).toEqual(before);
    };
    const s = await engine.spawn({ repo: h.repoRef(repo), branch: 'feat/errs', newBranch: true });
    writeFileSync(join(s.worktree, 'e.txt'), 'e\n');
    await review.commit(engine, s.id, 'e', true);
    writeFileSync(join(repo, 'a.txt'), 'dirty in main\n');
    await oneLine(['merge', s.id], /has uncommitted changes; nothing was merged/, repo, s.worktree);
    git(repo, 'checkout', '--', 'a.txt');
    writeFileSync(join(s.worktree, 'e.txt'), 'more\n');
    await oneLine(['merge', s.id], /uncommitted change.*--all/, repo, s.worktree);
    git(s.worktree, 'checkout', '--', 'e.txt');
    git(s.worktree, 'checkout', '-q', '--detach');
    for (const cmd of ['merge', 'push', 'pr']) await oneLine([cmd, s.id], /detached HEAD/, repo, s.worktree);
    await oneLine(['commit', s.id, '-m', 'x'], /detached HEAD/, repo, s.worktree);
    git(s.worktree, 'checkout', '-q', 'feat/errs');

    // A remote that rejects the push (a pre-receive hook), and a repo with no remote at all.
    const hook = join(origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "no pushes today" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    await oneLine(
      ['push', s.id],
      /git push to origin failed: .*(rejected|declined)/,
      repo,
      s.worktree,
      origin,
    );
    unlinkSync(hook);
    const lonely = makeRepo(dir, 'lonely');
    const l = await engine.spawn({ repo: h.repoRef(lonely), branch: 'solo', newBranch: true });
    await oneLine(['push', l.id], /no upstream and the repo has no remote named origin/, lonely, l.worktree);

    // Hostile branch names: only ever data, through diff, commit, merge, push.
    const hostile = `x$(touch\${IFS}${dir}/pwned1);\`touch\${IFS}${dir}/pwned2\``;
    const x = await engine.spawn({ repo: h.repoRef(repo), branch: hostile, newBranch: true });
    writeFileSync(join(x.worktree, 'h.txt'), 'h\n');
    expect((await review.diff(engine, { id: x.id })).files.map((f) => f.path)).toEqual(['h.txt']);
    await review.commit(engine, x.id, 'hostile', true);
    const m = await review.merge(engine, { id: x.id });
    expect(m.branch).toBe(hostile);
    await review.push(engine, x.id);
    expect(git(origin, 'rev-parse', '--verify', `refs/heads/${hostile}`).trim()).toBe(m.sha);
    // The bare origin stores the branch as folders named after it: those are data, not effects.
    expect(pwnedFiles(dir).filter((f) => !f.startsWith(`${origin}/refs/`))).toEqual([]);
    for (const id of [s.id, l.id, x.id]) await engine.kill(id, { removeWorktree: true, force: true });
  });

  test('gc prunes only records whose folder is gone and never touches a worktree Orchard did not make', async () => {
    const { engine } = h.env;
    const mine = join(h.env.dir, 'by-hand');
    git(repo, 'worktree', 'add', '-q', '-b', 'by-hand', mine, 'main');
    const gone = join(h.env.dir, 'gone');
    git(repo, 'worktree', 'add', '-q', '-b', 'gone-branch', gone, 'main');
    rmSync(gone, { recursive: true });
    mkdirSync(join(h.env.dir, 'unrelated'), { recursive: true });
    // gc looks at registered repos and at the repos of Orchard's sessions.
    await engine.addRepo(h.repoRef(repo));
    const r = await gc(engine, false);
    const here = r.items.filter((i) => i.worktree === mine || i.worktree === gone);
    expect(here).toEqual([expect.objectContaining({ worktree: gone, action: 'prune-record', done: true })]);
    expect(git(repo, 'worktree', 'list')).not.toContain(gone);
    expect(existsSync(mine)).toBe(true);
    expect(git(repo, 'worktree', 'list')).toContain(mine);
  });
});
