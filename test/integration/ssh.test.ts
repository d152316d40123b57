// The engine over a real OpenSSH sshd on 127.0.0.1: hostile data stays data, a host going down
// and coming back loses nothing, and more terminals than sshd's MaxSessions work at once.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PtyStream } from '../../src/core/hosts/host.ts';
import type { SshHost } from '../../src/core/ssh/ssh-host.ts';
import { git, makeRepo, pwnedFiles, runCli, waitFor } from '../helpers/env.ts';
import { makeSshd, makeSshEnv, type Sshd, type SshTestEnv } from '../helpers/sshd.ts';

let sshd: Sshd;
let t: SshTestEnv;

beforeAll(async () => {
  sshd = await makeSshd();
  t = await makeSshEnv(sshd);
});
afterAll(async () => {
  await t?.teardown();
  await sshd?.cleanup();
});

describe('hostile data over SSH', () => {
  test('hostile repo path, branch names, text, file names and env run nothing', async () => {
    const { engine, dir, env } = t.env;
    const parent = join(dir, `p$(touch\${IFS}pwned0)'q"`);
    mkdirSync(parent);
    const branches = [
      `b$(touch\${IFS}${dir}/pwned1)`,
      `c;touch\${IFS}${dir}/pwned2`,
      `d\`touch\${IFS}${dir}/pwned3\``,
    ];
    const repo = makeRepo(parent, 'r;touch pwned4', branches);
    const s = await engine.spawn({ repo: t.repoRef(repo), branch: branches[0]! });
    expect(s).toMatchObject({ host: t.hostName, branch: branches[0] });
    // Through the CLI too: a separate process, its own SSH connection.
    const cli = await runCli(['spawn', t.repoRef(repo), branches[1]!, '--json'], env);
    expect(cli.stderr).toBe('');
    expect(JSON.parse(cli.stdout)).toMatchObject({ branch: branches[1], host: t.hostName });
    await waitFor(async () => (await engine.capture(s.id)).includes('Welcome'), 10_000, 'banner');
    const text = `$(touch ${dir}/pwned5); \`touch ${dir}/pwned6\` && touch ${dir}/pwned7 'x' "y"`;
    await engine.send(s.id, text);
    await waitFor(async () => (await engine.capture(s.id)).includes('You said: $(touch'), 10_000, 'echo');

    const host = (await engine.hosts.get(t.hostName)).host;
    const file = join(dir, `f$(touch\${IFS}pwned8)'`, 'a b;c');
    await host.writeFile(file, `data $(touch ${dir}/pwned9)\n`);
    expect(await host.readFile(file)).toBe(`data $(touch ${dir}/pwned9)\n`);
    const r = await host.exec(['printenv', 'X'], { env: { X: `$(touch ${dir}/pwned10)` }, cwd: parent });
    expect(r.stdout).toBe(`$(touch ${dir}/pwned10)\n`);

    for (const x of await engine.list()) await engine.kill(x.id, { removeWorktree: true });
    expect(pwnedFiles(dir)).toEqual([]);
    expect(pwnedFiles(sshd.dir)).toEqual([]);
    expect(git(repo, 'branch', '--list')).toContain('b$(touch');
  });
});

describe('host down and back', () => {
  test('sshd restarted mid-session: listed as unreachable, then back as it was, nothing lost', async () => {
    const { engine, dir } = t.env;
    const repo = makeRepo(dir, 'restart', ['feat']);
    const remote = await engine.spawn({ repo: t.repoRef(repo), branch: 'feat' });
    const local = await engine.spawn({ repo, branch: 'main' });
    await waitFor(async () => (await engine.capture(remote.id)).includes('Welcome'), 10_000, 'banner');
    await engine.send(remote.id, 'before the outage');
    await waitFor(async () => (await engine.capture(remote.id)).includes('You said: before'), 10_000, 'echo');
    const before = (await engine.list()).find((s) => s.id === remote.id)!;

    await sshd.stop();
    const down = await engine.list();
    expect(down.find((s) => s.id === remote.id)).toMatchObject({ state: 'unreachable', host: t.hostName });
    expect(down.find((s) => s.id === local.id)?.state).not.toBe('unreachable');
    await expect(engine.send(remote.id, 'x')).rejects.toMatchObject({ code: 'host-unreachable' });
    // A fresh CLI process shows them too (last seen, kept in ORCHARD_HOME), and the other hosts.
    const cli = await runCli(['ls', '--json'], t.env.env);
    expect(cli.code).toBe(0);
    const listed = JSON.parse(cli.stdout) as Array<{ id: string; state: string }>;
    expect(listed.find((s) => s.id === remote.id)?.state).toBe('unreachable');
    expect(listed.find((s) => s.id === local.id)?.state).not.toBe('unreachable');

    await sshd.start();
    const back = await waitFor(
      async () => {
        const s = (await engine.list()).find((x) => x.id === remote.id);
        return s && s.state !== 'unreachable' ? s : undefined;
      },
      20_000,
      'reconnect',
    );
    // Same session, same agent process, same screen: tmux kept it while SSH was away.
    expect(back).toMatchObject({ id: remote.id, pid: before.pid, branch: 'feat', worktree: before.worktree });
    expect(await engine.capture(remote.id)).toContain('You said: before the outage');
    await engine.send(remote.id, 'after the outage');
    await waitFor(
      async () => (await engine.capture(remote.id)).includes('You said: after'),
      10_000,
      'echo after',
    );
    await engine.kill(remote.id, { removeWorktree: true });
    await engine.kill(local.id);
  });

  test('a host that accepts TCP but never speaks SSH does not stall the list', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const e = await makeSshEnv(sshd, { hostName: 'silent', factory: { readyTimeoutMs: 4000 } });
    try {
      await e.env.engine.store.update((c) => {
        c.hosts[0]!.ssh = `${sshd.user}@127.0.0.1:${port}`;
      });
      const repo = makeRepo(e.env.dir, 'here');
      const s = await e.env.engine.spawn({ repo, branch: 'main' });
      // A local session answers while the silent host is still being waited for.
      const listing = e.env.engine.list().then(() => 'list');
      const first = await Promise.race([e.env.engine.capture(s.id).then(() => 'capture'), listing]);
      expect(first).toBe('capture');
      const list = await e.env.engine.list();
      expect(list.map((x) => x.id)).toEqual([s.id]);
      await expect(e.env.engine.branches(`silent:${repo}`)).rejects.toMatchObject({
        code: 'host-unreachable',
      });
    } finally {
      await e.teardown();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});

describe('terminals', () => {
  test('12 attached terminals on one host at once (more than MaxSessions 10 channels)', async () => {
    const { engine, dir } = t.env;
    const repo = makeRepo(dir, 'terms', ['t1', 't2']);
    const sessions = [
      await engine.spawn({ repo: t.repoRef(repo), branch: 't1' }),
      await engine.spawn({ repo: t.repoRef(repo), branch: 't2' }),
    ];
    for (const s of sessions)
      await waitFor(async () => (await engine.capture(s.id)).includes('Welcome'), 10_000, 'banner');
    const ctx = await engine.hosts.get(t.hostName);
    const ptys: PtyStream[] = [];
    const screens: string[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const s = sessions[i % 2]!;
        const p = await ctx.host.openPty(ctx.tmux.attachArgv(s.tmuxSession), {
          cols: 100,
          rows: 30,
          env: { TMUX: '' },
        });
        screens.push('');
        p.onData((d) => (screens[i] += d));
        ptys.push(p);
      }
      await waitFor(
        () => screens.every((s) => s.includes('Welcome to Fake Claude')),
        20_000,
        'all 12 screens',
      );
      const usage = (ctx.host as SshHost).usage;
      expect(usage.channels).toBeGreaterThanOrEqual(12);
      expect(usage.connections).toBeGreaterThanOrEqual(2);
      // Typing into one terminal reaches the agent, and every terminal on that session redraws.
      const sizes = screens.map((x) => x.length);
      ptys[0]!.write('typed in a terminal\r');
      await waitFor(
        async () => (await engine.capture(sessions[0]!.id)).includes('You said: typed in a terminal'),
        10_000,
        'answer',
      );
      await waitFor(
        () => screens.every((x, i) => i % 2 === 1 || x.length > sizes[i]!),
        10_000,
        'redraw on the 6 terminals of session 1',
      );
      // Resize: ssh2 takes rows before cols; tmux must see 120 columns and 40 rows.
      const clients = () =>
        execFileSync(
          'tmux',
          ['-L', t.remoteSocket, 'list-clients', '-F', '#{client_width}x#{client_height}'],
          {
            encoding: 'utf8',
          },
        );
      ptys[1]!.resize(120, 40);
      await waitFor(() => clients().includes('120x40'), 10_000, 'resized client');
      // Detaching (C-b d) ends the remote tmux client: the stream reports its exit.
      const exited = new Promise((r) => ptys[2]!.onExit(r));
      ptys[2]!.write('\x02d');
      expect(await exited).toEqual({ code: 0 });
    } finally {
      for (const p of ptys) p.dispose();
    }
    await waitFor(() => (ctx.host as SshHost).usage.channels === 0, 10_000, 'channels released');
    for (const s of sessions) await engine.kill(s.id, { removeWorktree: true });
  });
});
