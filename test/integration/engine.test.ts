// The engine against real git and tmux, once per host kind (local, and SSH where available).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { git, makeRepo, pwnedFiles, runCli, waitFor } from '../helpers/env.ts';
import { hostKinds, type HostSetup } from '../helpers/hosts.ts';

describe.each(hostKinds())('engine over $name', (kind) => {
  let h: HostSetup;
  let repo: string;
  beforeAll(async () => {
    h = await kind.setup();
    repo = makeRepo(h.env.dir, 'repo', ['feature/login']);
  });
  afterAll(async () => h.teardown());

  test('spawn, list, send, capture and kill one session', async () => {
    const { engine } = h.env;
    const s = await engine.spawn({ repo: h.repoRef(repo), branch: 'feature/login' });
    expect(s).toMatchObject({ branch: 'feature/login', host: h.hostName, agent: 'fake', repo: 'repo' });
    expect(s.worktree).toBe(join(h.env.dir, 'repo.worktrees', 'feature-login-' + s.worktree.slice(-8)));
    expect(existsSync(s.worktree)).toBe(true);
    await waitFor(
      async () => (await engine.capture(s.id)).includes('Welcome to Fake Claude'),
      10_000,
      'banner',
    );
    await engine.send(s.id, 'hello there');
    await waitFor(
      async () => (await engine.capture(s.id)).includes('You said: hello there'),
      10_000,
      'answer',
    );
    const listed = (await engine.list()).find((x) => x.id === s.id);
    expect(listed).toMatchObject({
      id: s.id,
      branch: 'feature/login',
      worktree: s.worktree,
      host: h.hostName,
    });
    expect(listed?.pid).toBeGreaterThan(0);
    expect(listed?.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    const branches = await engine.branches(h.repoRef(repo));
    expect(branches.find((b) => b.name === 'feature/login')).toMatchObject({
      worktree: s.worktree,
      sessionId: s.id,
    });
    expect(branches.find((b) => b.name === 'main')).toMatchObject({ worktree: repo, sessionId: null });
    // A second spawn on the same branch is refused while the first runs.
    await expect(engine.spawn({ repo: h.repoRef(repo), branch: 'feature/login' })).rejects.toThrow(
      /already runs/,
    );
    const r = await engine.kill(s.id, { removeWorktree: true });
    expect(r).toMatchObject({ killed: true, worktreeRemoved: true });
    expect(existsSync(s.worktree)).toBe(false);
    expect(git(repo, 'branch', '--list', 'feature/login')).toContain('feature/login');
    expect((await engine.list()).some((x) => x.id === s.id)).toBe(false);
  });

  test('hostile branch names and hostile text run nothing', async () => {
    const { engine, dir } = h.env;
    const names = [
      `x$(touch\${IFS}${dir}/pwned1)`,
      `a;touch\${IFS}${dir}/pwned2;b`,
      `q\`touch\${IFS}${dir}/pwned3\``,
      `it's"quoted"`,
      `a&&touch\${IFS}${dir}/pwned4`,
      `semi;`,
      `hash#(touch\${IFS}${dir}/pwned5)`,
      `ünï/cødé-😀`,
    ];
    const hostile = makeRepo(dir, 'hostile', names);
    const ids: string[] = [];
    for (const name of names) {
      const s = await h.env.engine.spawn({ repo: h.repoRef(hostile), branch: name });
      expect(s.branch).toBe(name);
      ids.push(s.id);
    }
    const listed = await engine.list();
    for (const [i, name] of names.entries()) expect(listed.find((x) => x.id === ids[i])?.branch).toBe(name);
    const text = `$(touch ${dir}/pwned6); \`touch ${dir}/pwned7\` && touch ${dir}/pwned8 'q' "d" #(touch ${dir}/pwned9);`;
    await waitFor(async () => (await engine.capture(ids[0]!)).includes('Welcome'), 10_000, 'banner');
    await engine.send(ids[0]!, text);
    await waitFor(async () => (await engine.capture(ids[0]!)).includes('You said: $(touch'), 10_000, 'echo');
    expect((await engine.capture(ids[0]!)).replace(/\s+\n/g, '\n')).toContain(
      `You said: ${text}`.slice(0, 60),
    );
    // The same new-branch path with --new: a hostile name is still only data.
    const created = await engine.spawn({
      repo: h.repoRef(hostile),
      branch: `n$(touch\${IFS}${dir}/pwned10)`,
      newBranch: true,
    });
    expect(git(hostile, 'branch', '--list', created.branch)).toContain('n$(touch');
    for (const id of [...ids, created.id]) await engine.kill(id, { removeWorktree: true });
    expect(pwnedFiles(dir)).toEqual([]);
  });

  test('6 sessions on 6 branches; a fresh process sees the same; worktrees and branches are kept safe', async () => {
    const { engine, env } = h.env;
    const six = makeRepo(h.env.dir, 'six', ['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    const sessions = [];
    for (let i = 1; i <= 6; i++) sessions.push(await engine.spawn({ repo: h.repoRef(six), branch: `b${i}` }));
    const ids = sessions.map((s) => s.id).sort();
    const fresh = await runCli(['ls', '--json'], env);
    expect(fresh.stderr).toBe('');
    expect(fresh.code).toBe(0);
    const listed = JSON.parse(fresh.stdout) as Array<{
      id: string;
      branch: string;
      host: string;
      repo: string;
    }>;
    const mine = listed.filter((s) => ids.includes(s.id));
    expect(mine.map((s) => s.id).sort()).toEqual(ids);
    for (const s of mine) expect(s).toMatchObject({ host: h.hostName, repo: 'six' });

    // Kill one with its worktree: the branch stays.
    const [first, second] = sessions;
    const k = await runCli(['kill', first!.id, '--remove-worktree', '--json'], env);
    expect(k.code).toBe(0);
    expect(JSON.parse(k.stdout)).toMatchObject({ id: first!.id, worktreeRemoved: true });
    expect(existsSync(first!.worktree)).toBe(false);
    expect(git(six, 'branch', '--list', 'b1')).toContain('b1');

    // A dirty worktree survives a non-forced removal; the session keeps running.
    writeFileSync(join(second!.worktree, 'work-in-progress.txt'), 'precious\n');
    const refused = await runCli(['kill', second!.id, '--remove-worktree'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/uncommitted changes/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(second!.worktree, 'work-in-progress.txt'))).toBe(true);
    expect((await engine.list()).find((s) => s.id === second!.id)?.state).not.toBe('exited');
    const forced = await runCli(['kill', second!.id, '--remove-worktree', '--force'], env);
    expect(forced.code).toBe(0);
    expect(existsSync(second!.worktree)).toBe(false);
    expect(git(six, 'branch', '--list', 'b2')).toContain('b2');
    for (const s of sessions.slice(2)) await engine.kill(s.id);
  });

  test('new branch from a base, remote-tracking branches, reuse of a checked-out branch', async () => {
    const { engine, dir } = h.env;
    const origin = makeRepo(dir, 'origin', ['remote-only']);
    git(dir, 'clone', '-q', origin, 'clone');
    const clone = join(dir, 'clone');
    git(clone, 'commit', '-q', '--allow-empty', '-m', 'local work');
    const branches = await engine.branches(h.repoRef(clone));
    expect(branches.find((b) => b.name === 'main')).toMatchObject({
      upstream: 'origin/main',
      ahead: 1,
      behind: 0,
    });
    expect(branches.find((b) => b.name === 'origin/remote-only')).toMatchObject({ kind: 'remote' });
    expect(branches.find((b) => b.name === 'main')?.lastCommit.subject).toBe('local work');

    const fromRemote = await engine.spawn({ repo: h.repoRef(clone), branch: 'remote-only' });
    expect(fromRemote.branch).toBe('remote-only');
    expect(git(clone, 'rev-parse', '--abbrev-ref', 'remote-only@{upstream}').trim()).toBe(
      'origin/remote-only',
    );

    const fresh = await engine.spawn({
      repo: h.repoRef(clone),
      branch: 'topic',
      newBranch: true,
      from: 'origin/main',
    });
    expect(git(clone, 'rev-parse', 'topic').trim()).toBe(git(clone, 'rev-parse', 'origin/main').trim());
    await expect(engine.spawn({ repo: h.repoRef(clone), branch: 'topic', newBranch: true })).rejects.toThrow(
      /already exists/,
    );

    // main is checked out in the repo itself: reused, not duplicated.
    const onMain = await engine.spawn({ repo: h.repoRef(clone), branch: 'main' });
    expect(onMain.worktree).toBe(clone);
    await expect(engine.kill(onMain.id, { removeWorktree: true })).rejects.toThrow(
      /repository's own work tree; it is never removed/,
    );
    for (const s of [fromRemote, fresh, onMain]) await engine.kill(s.id);
    expect(existsSync(clone)).toBe(true);
  });

  test('a worktree Orchard did not make is never removed; concurrent spawns start one agent', async () => {
    const { engine, dir } = h.env;
    const repo = makeRepo(dir, 'mine', ['handmade', 'race', 'v1']);
    const handmade = join(dir, 'handmade-wt');
    git(repo, 'worktree', 'add', '--', handmade, 'handmade');
    writeFileSync(join(handmade, '.env'), 'SECRET=1\n');
    const s = await engine.spawn({ repo: h.repoRef(repo), branch: 'handmade' });
    expect(s.worktree).toBe(handmade);
    await expect(engine.kill(s.id, { removeWorktree: true, force: true })).rejects.toThrow(
      /was not made by Orchard/,
    );
    expect(existsSync(join(handmade, '.env'))).toBe(true);
    expect((await engine.find(s.id)).state).not.toBe('exited');
    await engine.kill(s.id);

    const results = await Promise.allSettled(
      [1, 2, 3].map(() => engine.spawn({ repo: h.repoRef(repo), branch: 'race' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(String(r.reason)).toMatch(/already runs on race/);
    expect((await engine.list()).filter((x) => x.branch === 'race')).toHaveLength(1);

    // --from takes what git takes: a tag, `main~0`.
    git(repo, 'tag', 'v1.0');
    const fromTag = await engine.spawn({
      repo: h.repoRef(repo),
      branch: 'from-tag',
      newBranch: true,
      from: 'v1.0',
    });
    const fromRev = await engine.spawn({
      repo: h.repoRef(repo),
      branch: 'from-rev',
      newBranch: true,
      from: 'main~0',
    });
    await expect(
      engine.spawn({ repo: h.repoRef(repo), branch: 'from-nothing', newBranch: true, from: 'no-such-ref' }),
    ).rejects.toThrow(/base not found: no-such-ref/);
    for (const x of [...ok.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value), fromTag, fromRev])
      await engine.kill(x.id, { removeWorktree: true });
  });

  test('clear errors: missing repo path, unknown branch, unknown session', async () => {
    const { env, dir } = h.env;
    const noRepo = await runCli(['branches', h.repoRef(join(dir, 'does-not-exist'))], env);
    expect(noRepo.code).toBe(1);
    expect(noRepo.stderr).toMatch(/^orchard: no such directory: .*does-not-exist/);
    const notGit = await runCli(['branches', h.repoRef(h.env.home)], env);
    expect(notGit.stderr).toMatch(/not a git work tree/);
    const repo2 = makeRepo(dir, 'errs');
    const noBranch = await runCli(['spawn', h.repoRef(repo2), 'nope'], env);
    expect(noBranch.code).toBe(1);
    expect(noBranch.stderr).toMatch(/branch not found in errs: nope \(use --new/);
    expect(existsSync(join(dir, 'errs.worktrees'))).toBe(false);
    const noSession = await runCli(['send', 'deadbeef', 'hi'], env);
    expect(noSession.code).toBe(1);
    expect(noSession.stderr).toBe('orchard: no session with id deadbeef (see orchard ls)\n');
    const bad = await runCli(['kill', '../../etc'], env);
    expect(bad.stderr).toMatch(/no session with id/);
  });
});
