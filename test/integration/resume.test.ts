// Sessions outlive their tmux server, locally and over a real sshd: each spawn leaves a durable
// record on its host; a dead server lists them as stopped; `orchard resume --all` brings them back
// in the same worktrees with `--resume <their conversation id>`, and the agent finds its transcript.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listHostSessions } from '../../src/core/sessions/list.ts';
import type { SessionInfo } from '../../src/shared/model.ts';
import { makeEnv, makeRepo, ROOT, runCli, waitFor, type TestEnv } from '../helpers/env.ts';
import { makeSshd, makeSshEnv, type Sshd } from '../helpers/sshd.ts';

const AGENT = join(ROOT, 'test/fixtures/resumable-agent.mjs');

interface Setup {
  t: TestEnv;
  hostName: string;
  repoRef(p: string): string;
  /** The tmux socket on the sessions' host, and its records folder. */
  socket: string;
  records: string;
  teardown(): Promise<void>;
}

async function local(): Promise<Setup> {
  const t = await makeEnv();
  return {
    t,
    hostName: 'local',
    repoRef: (p) => p,
    socket: t.socket,
    records: join(t.home, 'sessions'),
    teardown: async () => t.cleanup(),
  };
}

async function ssh(): Promise<Setup> {
  const sshd: Sshd = await makeSshd();
  const e = await makeSshEnv(sshd);
  return {
    t: e.env,
    hostName: e.hostName,
    repoRef: e.repoRef,
    socket: e.remoteSocket,
    records: join(sshd.remoteHome, '.orchard', 'sessions'),
    teardown: async () => {
      await e.teardown();
      await sshd.cleanup();
    },
  };
}

function tmux(socket: string, ...args: string[]): void {
  // Sessions over sshd use tmux's default socket folder, not this process's TMUX_TMPDIR.
  const { TMUX_TMPDIR: _t, ...env } = process.env;
  execFileSync('tmux', ['-L', socket, ...args], { stdio: 'ignore', env });
}

describe.each([
  ['local', local],
  ['ssh', ssh],
])('resume (%s)', (_name, make) => {
  let s: Setup;
  let claudeDir: string;
  const ls = async (): Promise<SessionInfo[]> => {
    const r = await runCli(['ls', '--json'], s.t.env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as SessionInfo[];
  };
  const starts = () =>
    readFileSync(join(claudeDir, 'argv.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { cwd: string; argv: string[] });

  beforeAll(async () => {
    s = await make();
    claudeDir = join(s.t.dir, 'claude-config');
    await s.t.engine.store.update((c) => {
      c.profiles.push({
        id: 'resumable',
        label: 'Resumable Fake Claude',
        kind: 'claude',
        command: [process.execPath, AGENT],
        env: { CLAUDE_CONFIG_DIR: claudeDir },
      });
      c.preferences.defaultAgent = 'resumable';
    });
  }, 60_000);
  afterAll(async () => s?.teardown());

  test('3 sessions: tmux server killed → stopped → resume --all → same worktrees, conversations resumed', async () => {
    const { engine } = s.t;
    const repo = makeRepo(s.t.dir, 'r', ['a', 'b', 'c']);
    const spawned = [];
    for (const b of ['a', 'b', 'c']) spawned.push(await engine.spawn({ repo: s.repoRef(repo), branch: b }));
    for (const x of spawned) {
      expect(existsSync(join(s.records, `${x.id}.json`))).toBe(true);
      await waitFor(async () => (await engine.capture(x.id)).includes('Welcome'), 15_000, 'banner');
      await engine.send(x.id, `hello ${x.branch}`);
      await waitFor(
        async () => (await engine.capture(x.id)).includes(`You said: hello ${x.branch}`),
        15_000,
        'echo',
      );
    }

    tmux(s.socket, 'kill-server');
    const stopped = await ls();
    expect(stopped.map((x) => [x.id, x.state, x.host]).sort()).toEqual(
      spawned.map((x) => [x.id, 'stopped', s.hostName]).sort(),
    );
    for (const x of stopped) expect(Date.parse(x.lastSeen!)).toBeGreaterThan(Date.now() - 120_000);
    // Records are read with one exec per host over SSH, with none locally (fs), whatever their number.
    const traced = await runCli(['ls', '--json'], { ...s.t.env, ORCHARD_TRACE_EXEC: '1' });
    // (the traced argv holds the script's newlines: count the $0 it is given)
    const reads = traced.stderr.match(/ orchard-records /g) ?? [];
    expect(reads).toHaveLength(s.hostName === 'local' ? 0 : 1);
    const human = await runCli(['ls'], s.t.env);
    expect(human.stdout).toMatch(/stopped · last seen \d{4}-/);
    // A stopped session takes no input and says what to do.
    const send = await runCli(['send', spawned[0]!.id, 'x'], s.t.env);
    expect(send.stderr).toContain(`orchard resume ${spawned[0]!.id}`);

    const before = starts().length;
    const r = await runCli(['resume', '--all', '--json'], s.t.env);
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as { resumed: Array<{ id: string; how: string }>; failed: unknown[] };
    expect(all.failed).toEqual([]);
    expect(all.resumed.map((x) => x.how)).toEqual(['resumed', 'resumed', 'resumed']);
    const back = await ls();
    for (const x of spawned) {
      const now = back.find((y) => y.id === x.id)!;
      expect(now.state).not.toBe('stopped');
      expect(now.worktree).toBe(x.worktree);
      expect(now.agentSessionId).toBe(x.agentSessionId);
      const start = starts()
        .slice(before)
        .find((l) => l.cwd === x.worktree)!;
      expect(start.argv.slice(0, 2)).toEqual(['--resume', x.agentSessionId]);
      await waitFor(
        async () =>
          (await engine.capture(x.id)).includes(
            `Resumed conversation ${x.agentSessionId}: 1 earlier messages, last: hello ${x.branch}`,
          ),
        15_000,
        'resumed transcript',
      );
    }
  }, 120_000);

  test('an exited agent is resumed in its live tmux session; restart starts fresh', async () => {
    const { engine } = s.t;
    const repo = makeRepo(s.t.dir, 'exits', ['e']);
    const x = await engine.spawn({ repo: s.repoRef(repo), branch: 'e' });
    await waitFor(async () => (await engine.capture(x.id)).includes('Welcome'), 15_000, 'banner');
    await engine.send(x.id, 'remember me');
    await waitFor(async () => (await engine.capture(x.id)).includes('You said: remember me'), 15_000, 'echo');
    await engine.send(x.id, '/exit');
    await waitFor(async () => (await engine.find(x.id)).state === 'exited', 15_000, 'exited');
    const r = await runCli(['resume', x.id, '--json'], s.t.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: x.id, how: 'resumed' });
    await waitFor(
      async () => (await engine.capture(x.id)).includes('1 earlier messages, last: remember me'),
      15_000,
      'resumed',
    );
    // A running session is neither resumed nor restarted twice.
    const again = await runCli(['restart', x.id], s.t.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is running/);

    tmux(s.socket, 'kill-session', '-t', `=${x.tmuxSession}:`);
    const fresh = await runCli(['restart', x.id, '--json'], s.t.env);
    expect(fresh.code, fresh.stderr).toBe(0);
    const started = JSON.parse(fresh.stdout) as { how: string; session: SessionInfo };
    expect(started.how).toBe('fresh');
    expect(started.session.agentSessionId).not.toBe(x.agentSessionId);
    await waitFor(
      () => starts().at(-1)!.argv[1] === started.session.agentSessionId,
      15_000,
      'the fresh start',
    );
    expect(starts().at(-1)!.argv.slice(0, 2)).toEqual(['--session-id', started.session.agentSessionId]);
    await engine.kill(x.id);
  }, 90_000);

  test('two resumes of one session at once: one starts it, the other is refused', async () => {
    const { engine } = s.t;
    const repo = makeRepo(s.t.dir, 'twice', ['t']);
    const x = await engine.spawn({ repo: s.repoRef(repo), branch: 't' });
    tmux(s.socket, 'kill-session', '-t', `=${x.tmuxSession}:`);
    const both = await Promise.allSettled([engine.resume(x.id), engine.resume(x.id)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'session-exists' });
    await waitFor(async () => (await engine.capture(x.id)).includes('Welcome'), 15_000, 'the agent');
    expect((await engine.list()).filter((y) => y.id === x.id).map((y) => y.state)).not.toContain('stopped');
    await engine.kill(x.id);
  }, 60_000);

  test('a deleted worktree: resume refuses clearly, forget works; kill removes the record', async () => {
    const { engine } = s.t;
    const repo = makeRepo(s.t.dir, 'gone', ['k', 'f', 'd']);
    const [k, f, d] = [
      await engine.spawn({ repo: s.repoRef(repo), branch: 'k' }),
      await engine.spawn({ repo: s.repoRef(repo), branch: 'f' }),
      await engine.spawn({ repo: s.repoRef(repo), branch: 'd' }),
    ];
    const kill = await runCli(['kill', k!.id], s.t.env);
    expect(kill.code, kill.stderr).toBe(0);
    expect(existsSync(join(s.records, `${k!.id}.json`))).toBe(false);

    tmux(s.socket, 'kill-session', '-t', `=${d!.tmuxSession}:`);
    tmux(s.socket, 'kill-session', '-t', `=${f!.tmuxSession}:`);
    rmSync(d!.worktree, { recursive: true, force: true });
    const refused = await runCli(['resume', d!.id], s.t.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `orchard: cannot resume ${d!.id}: its worktree ${d!.worktree} no longer exists on ${s.hostName} ` +
        `(orchard forget ${d!.id} drops the record)\n`,
    );
    for (const x of [d!, f!]) {
      const r = await runCli(['forget', x.id], s.t.env);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(s.records, `${x.id}.json`))).toBe(false);
    }
    expect(existsSync(f!.worktree)).toBe(true); // forget leaves the worktree
    const ids = (await ls()).map((x) => x.id);
    for (const x of [k!, f!, d!]) expect(ids).not.toContain(x.id);
  }, 90_000);

  test('a fresh spawn on the worktree of a stopped session supersedes its record', async () => {
    const { engine } = s.t;
    const repo = makeRepo(s.t.dir, 'again', ['s']);
    const old = await engine.spawn({ repo: s.repoRef(repo), branch: 's' });
    tmux(s.socket, 'kill-session', '-t', `=${old.tmuxSession}:`);
    expect((await ls()).find((x) => x.id === old.id)?.state).toBe('stopped');
    const fresh = await engine.spawn({ repo: s.repoRef(repo), branch: 's' });
    expect(fresh.worktree).toBe(old.worktree);
    const ids = (await ls()).map((x) => x.id);
    expect(ids).toContain(fresh.id);
    expect(ids).not.toContain(old.id);
    expect(existsSync(join(s.records, `${old.id}.json`))).toBe(false);
    await engine.kill(fresh.id);
  }, 60_000);

  test('a listing refreshes the lastSeen of running sessions only (in the same read over SSH)', async () => {
    const { engine } = s.t;
    const repo = makeRepo(s.t.dir, 'seen', ['run', 'stop']);
    const run = await engine.spawn({ repo: s.repoRef(repo), branch: 'run' });
    const stop = await engine.spawn({ repo: s.repoRef(repo), branch: 'stop' });
    tmux(s.socket, 'kill-session', '-t', `=${stop.tmuxSession}:`);
    const old = new Date('2026-01-01T00:00:00Z');
    for (const x of [run, stop]) utimesSync(join(s.records, `${x.id}.json`), old, old);
    // A context of its own: the refresh is due on its first listing (then at most every 30 s).
    const ctx = { ...(await engine.hosts.get(s.hostName)) };
    const listed = await listHostSessions(ctx, []);
    const mtime = (id: string) => statSync(join(s.records, `${id}.json`)).mtimeMs;
    expect(mtime(run.id)).toBeGreaterThan(Date.now() - 60_000);
    expect(mtime(stop.id)).toBe(old.getTime());
    // Its lastSeen is the later of the record's own (written at spawn) and the file's mtime.
    const stopped = listed.find((x) => x.id === stop.id)!;
    expect(stopped.state).toBe('stopped');
    expect(Date.parse(stopped.lastSeen!)).toBeGreaterThanOrEqual(Date.parse(stop.createdAt) - 1000);
    await engine.kill(run.id);
    await engine.kill(stop.id);
  }, 60_000);

  test('a corrupt record is reported and skipped; the listing still works', async () => {
    const { engine } = s.t;
    const repo = makeRepo(s.t.dir, 'corrupt', ['ok']);
    const ok = await engine.spawn({ repo: s.repoRef(repo), branch: 'ok' });
    writeFileSync(join(s.records, 'abc123.json'), '{"v":1,"id":"abc123","repo":');
    writeFileSync(join(s.records, 'abc124.json'), '');
    const r = await runCli(['ls', '--json'], s.t.env);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as SessionInfo[]).map((x) => x.id)).toContain(ok.id);
    expect(r.stderr).toContain(
      `corrupt session record on ${s.hostName}: ${join(s.records, 'abc123.json')}: not JSON`,
    );
    expect(r.stderr).toContain(`${join(s.records, 'abc124.json')}: empty file`);
    rmSync(join(s.records, 'abc123.json'));
    rmSync(join(s.records, 'abc124.json'));
    await engine.kill(ok.id);
  }, 60_000);
});
