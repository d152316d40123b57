// Host keys, trust, jump hosts, key passphrases, remote requirements and the `orchard host`
// commands, against a real OpenSSH sshd on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, makeRepo, runCli, waitFor } from '../helpers/env.ts';
import {
  ENCRYPTED_KEY_PASSPHRASE,
  makeSshd,
  makeSshEnv,
  type Sshd,
  type SshTestEnv,
} from '../helpers/sshd.ts';

let sshd: Sshd;
let fp: string;
const envs: SshTestEnv[] = [];

async function env(opts: Parameters<typeof makeSshEnv>[1] = {}): Promise<SshTestEnv> {
  const e = await makeSshEnv(sshd, opts);
  envs.push(e);
  return e;
}

/** The CLI on a real terminal (node-pty): answers each prompt as it appears; resolves with the exit code. */
function cliOnTty(args: string[], environ: NodeJS.ProcessEnv, answers: Array<[RegExp, string]>) {
  const { spawn } = createRequire(import.meta.url)('@lydell/node-pty') as typeof import('@lydell/node-pty');
  const p = spawn(process.execPath, [CLI, ...args], {
    cols: 200,
    rows: 40,
    env: environ as Record<string, string>,
  });
  let screen = '';
  let all = '';
  const pending = [...answers];
  p.onData((d) => {
    screen += d;
    all += d;
    const next = pending[0];
    if (next && next[0].test(screen)) {
      pending.shift();
      screen = '';
      p.write(next[1]);
    }
  });
  return new Promise<{ code: number; rest: string[]; all: string }>((resolve) =>
    p.onExit(({ exitCode }) => resolve({ code: exitCode, rest: pending.map((a) => String(a[0])), all })),
  );
}

beforeAll(async () => {
  sshd = await makeSshd();
  const pub = join(sshd.dir, 'host_ed25519.pub');
  fp = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).split(/\s+/)[1]!;
});
afterAll(async () => {
  for (const e of envs) await e.teardown();
  await sshd?.cleanup();
});

describe('host keys', () => {
  test('unknown key: refused with its SHA256 fingerprint; trust pins only a matching fingerprint', async () => {
    const e = await env({ knownHosts: [] });
    const repo = makeRepo(e.env.dir, 'r');
    const refused = e.env.engine.branches(e.repoRef(repo));
    await expect(refused).rejects.toMatchObject({ code: 'host-key-unknown' });
    await expect(refused).rejects.toThrow(fp);
    const test1 = await runCli(['host', 'test', e.hostName], e.env.env);
    expect(test1.code).toBe(1);
    expect(test1.stderr).toContain(fp);
    expect(test1.stderr).toContain(`orchard host trust ${e.hostName} --fingerprint ${fp}`);
    // Other hosts still list.
    expect((await runCli(['ls', '--json'], e.env.env)).code).toBe(0);

    const wrong = await runCli(
      ['host', 'trust', e.hostName, '--fingerprint', 'SHA256:' + 'A'.repeat(43)],
      e.env.env,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/nothing was trusted/);
    // No terminal to ask on: refused, the key shown.
    const noTty = await runCli(['host', 'trust', e.hostName], e.env.env);
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toContain(fp);
    expect((await e.env.engine.store.read()).trustedHostKeys ?? []).toEqual([]);
    await expect(e.env.engine.branches(e.repoRef(repo))).rejects.toMatchObject({ code: 'host-key-unknown' });

    const ok = await runCli(['host', 'trust', e.hostName, '--fingerprint', fp, '--json'], e.env.env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      status: 'added',
      key: { fingerprint: fp, host: `[127.0.0.1]:${sshd.port}` },
    });
    const again = await runCli(['host', 'trust', e.hostName, '--fingerprint', fp, '--json'], e.env.env);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'already-trusted' });
    const tested = await runCli(['host', 'test', e.hostName, '--json'], e.env.env);
    expect(tested.code).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({
      fingerprint: fp,
      tmux: expect.stringMatching(/^tmux 3\./),
    });
    // The known_hosts file was never written to; the engine connects now (after its backoff).
    expect(readFileSync(e.knownHostsFile, 'utf8').trim()).toBe('');
    await waitFor(async () => (await e.env.engine.branches(e.repoRef(repo))).length > 0, 10_000, 'connect');
  });

  test('changed key in known_hosts: refused loudly, never replaced', async () => {
    const other = sshd.otherKey();
    const e = await env({ knownHosts: [sshd.knownHostsLine(other)] });
    const before = readFileSync(e.knownHostsFile, 'utf8');
    const refused = e.env.engine.branches(e.repoRef(e.env.dir));
    await expect(refused).rejects.toMatchObject({ code: 'host-key-changed' });
    await expect(refused).rejects.toThrow(/CHANGED.*refuses to connect/);
    const trust = await runCli(['host', 'trust', e.hostName, '--replace', '--fingerprint', fp], e.env.env);
    expect(trust.code).toBe(1);
    expect(trust.stderr).toMatch(/CHANGED/);
    expect(readFileSync(e.knownHostsFile, 'utf8')).toBe(before);
    expect((await e.env.engine.store.read()).trustedHostKeys ?? []).toEqual([]);
  });

  test("changed key in Orchard's trust store: refused; replaced only on an explicit --replace with the fingerprint", async () => {
    const e = await env({ knownHosts: [] });
    const [type, key] = sshd.otherKey().split(' ') as [string, string];
    await e.env.engine.store.update((c) => {
      c.trustedHostKeys = [
        { host: `[127.0.0.1]:${sshd.port}`, keyType: type, key, fingerprint: 'x', addedAt: '' },
      ];
    });
    const t1 = await runCli(['host', 'test', e.hostName], e.env.env);
    expect(t1.stderr).toMatch(/CHANGED/);
    const noReplace = await runCli(['host', 'trust', e.hostName, '--fingerprint', fp], e.env.env);
    expect(noReplace.code).toBe(1);
    const replaced = await runCli(
      ['host', 'trust', e.hostName, '--replace', '--fingerprint', fp, '--json'],
      e.env.env,
    );
    expect(JSON.parse(replaced.stdout)).toMatchObject({ status: 'replaced' });
    expect((await e.env.engine.store.read()).trustedHostKeys?.map((k) => k.fingerprint)).toEqual([fp]);
    expect((await runCli(['host', 'test', e.hostName], e.env.env)).code).toBe(0);
  });
});

describe('on a terminal', () => {
  test('host trust shows the key and asks; the passphrase of an encrypted key is asked, not echoed', async () => {
    const e = await env({ knownHosts: [] });
    const fpRe = fp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const no = await cliOnTty(['host', 'trust', e.hostName], e.env.env, [
      [new RegExp(`${fpRe}[\\s\\S]*\\[y/N\\]`), 'n\r'],
    ]);
    expect(no).toMatchObject({ code: 1, rest: [] });
    expect((await e.env.engine.store.read()).trustedHostKeys ?? []).toEqual([]);
    const yes = await cliOnTty(['host', 'trust', e.hostName], e.env.env, [[/\[y\/N\]/, 'y\r']]);
    expect(yes).toMatchObject({ code: 0, rest: [] });
    expect((await e.env.engine.store.read()).trustedHostKeys?.map((k) => k.fingerprint)).toEqual([fp]);

    writeFileSync(e.configFile, sshd.configBlock(e.hostName).replace(sshd.userKey, sshd.encryptedKey));
    const asked = await cliOnTty(['host', 'test', e.hostName], e.env.env, [
      [/Enter passphrase for key .*user_encrypted: /, 'wrong\r'],
      [/Wrong passphrase\. Enter passphrase/, `${ENCRYPTED_KEY_PASSPHRASE}\r`],
    ]);
    expect(asked).toMatchObject({ code: 0, rest: [] });
    expect(asked.all).toMatch(/host key.*SHA256:/);
    expect(asked.all, JSON.stringify(asked.all)).not.toContain(ENCRYPTED_KEY_PASSPHRASE);
    expect(asked.all).not.toContain('wrong');
  });
});

describe('ProxyJump', () => {
  test("through a jump host with forwardOut; each hop's key is checked on its own", async () => {
    const e = await env();
    const block = sshd.configBlock('viajump', [`ProxyJump ${e.hostName}`, 'HostKeyAlias inner']);
    writeFileSync(e.configFile, readFileSync(e.configFile, 'utf8') + block);
    await e.env.engine.store.update((c) => {
      c.hosts.push({ name: 'viajump', tmuxSocket: e.remoteSocket });
    });
    // The hop's key is known, the target's (looked up as "inner") is not.
    const t1 = await runCli(['host', 'test', 'viajump'], e.env.env);
    expect(t1.code).toBe(1);
    expect(t1.stderr).toMatch(/host key of viajump \(inner\) is not known/);
    // Only the target's key known: the hop is refused, by its own name.
    writeFileSync(e.knownHostsFile, `inner ${sshd.hostPub}\n`);
    const t2 = await runCli(['host', 'test', 'viajump'], e.env.env);
    expect(t2.stderr).toMatch(
      new RegExp(`host key of ${e.hostName} \\(\\[127\\.0\\.0\\.1\\]:${sshd.port}\\) is not known`),
    );
    writeFileSync(e.knownHostsFile, `inner ${sshd.hostPub}\n${sshd.knownHostsLine()}\n`);
    const t3 = await runCli(['host', 'test', 'viajump', '--json'], e.env.env);
    expect(t3.stderr).toBe('');
    expect(JSON.parse(t3.stdout)).toMatchObject({ name: 'viajump', fingerprint: fp });
    const repo = makeRepo(e.env.dir, 'jumped', ['j']);
    const s = await e.env.engine.spawn({ repo: `viajump:${repo}`, branch: 'j' });
    expect(s.host).toBe('viajump');
    await e.env.engine.kill(s.id, { removeWorktree: true });
  });
});

describe('key passphrases', () => {
  test('an encrypted key asks the front end once per process; no prompt or a wrong one is a clear failure', async () => {
    const asked: string[] = [];
    const e = await env({
      factory: {
        askPassphrase: async (file) => {
          asked.push(file);
          return ENCRYPTED_KEY_PASSPHRASE;
        },
      },
    });
    writeFileSync(e.configFile, sshd.configBlock(e.hostName).replace(sshd.userKey, sshd.encryptedKey));
    const host = (await e.env.engine.hosts.get(e.hostName)).host;
    expect((await host.exec(['echo', 'in'])).stdout).toBe('in\n');
    expect((await e.factory.test(e.hostName)).git).toMatch(/\d/);
    expect(asked).toEqual([sshd.encryptedKey]);

    const cli = await runCli(['host', 'test', e.hostName], e.env.env);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/authentication to sshtest .* failed.*is encrypted.*ssh-add/);

    const w = await env({ factory: { askPassphrase: async () => 'not it' } });
    writeFileSync(w.configFile, sshd.configBlock(w.hostName).replace(sshd.userKey, sshd.encryptedKey));
    await expect(w.factory.test(w.hostName)).rejects.toThrow(/wrong passphrase/);
  });
});

describe('remote requirements', () => {
  test('tmux older than 3.2 on the host: a clear message on connect', async () => {
    const fake = join(sshd.dir, 'oldbin');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'tmux'), '#!/bin/sh\necho "tmux 2.9"\n');
    chmodSync(join(fake, 'tmux'), 0o755);
    const old = await makeSshd({ env: { PATH: `${fake}:/usr/bin:/bin` } });
    try {
      const e = await makeSshEnv(old);
      try {
        await expect(e.factory.test(e.hostName)).rejects.toThrow(
          /tmux 2\.9 on sshtest is too old: Orchard needs tmux >= 3\.2/,
        );
        await expect(e.env.engine.branches(e.repoRef(e.env.dir))).rejects.toMatchObject({
          code: 'tool-too-old',
        });
      } finally {
        await e.teardown();
      }
    } finally {
      await old.cleanup();
    }
  });
});

describe('orchard host add | ls | rm, repo add --host', () => {
  test('manage hosts and remote repos from the CLI', async () => {
    const e = await env();
    const cli = (...a: string[]) => runCli(a, e.env.env);
    const added = await cli(
      'host',
      'add',
      'box',
      '--ssh',
      'me@127.0.0.1:2222',
      '--identity',
      '/keys/box',
      '--json',
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({
      name: 'box',
      kind: 'ssh',
      address: 'me@127.0.0.1:2222',
      identity: '/keys/box',
      status: 'unknown',
    });
    expect((await cli('host', 'add', 'box')).stderr).toMatch(/already exists/);
    // The router's schema decides (src/core/rpc/schemas.ts): bad arguments are usage errors.
    const bad = await cli('host', 'add', 'a:b');
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toMatch(/name: host names are letters, digits/);
    expect((await cli('host', 'add', 'local')).stderr).toMatch(/"local" is this machine/);
    expect((await cli('host', 'add', 'x', '--ssh', '-oProxyCommand=touch')).code).toBe(2);
    const port = await cli('host', 'add', 'x', '--ssh', 'me@127.0.0.1:99999');
    expect(port).toMatchObject({ code: 2 });
    expect(port.stderr).toMatch(/not a port: "99999" \(1 to 65535\)/);
    const v6 = await cli('host', 'add', 'v6', '--ssh', 'me@[::1]:2200', '--json');
    expect(JSON.parse(v6.stdout)).toMatchObject({ name: 'v6', address: 'me@[::1]:2200' });
    expect((await cli('host', 'rm', 'v6')).code).toBe(0);
    const ls = JSON.parse((await cli('host', 'ls', '--json')).stdout) as Array<{ name: string }>;
    expect(ls.map((h) => h.name)).toEqual([e.hostName, 'box']);

    const repo = makeRepo(e.env.dir, 'remote-repo', ['x']);
    const r = await cli('repo', 'add', repo, '--host', e.hostName, '--json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ host: e.hostName, path: repo, name: 'remote-repo' });
    const branches = JSON.parse((await cli('branches', 'remote-repo', '--json')).stdout) as Array<{
      name: string;
    }>;
    expect(branches.map((b) => b.name).sort()).toEqual(['main', 'x']);
    // `~` is the remote user's home.
    makeRepo(sshd.remoteHome, 'in-home', ['h']);
    const home = JSON.parse((await cli('branches', `${e.hostName}:~/in-home`, '--json')).stdout) as Array<{
      name: string;
    }>;
    expect(home.map((b) => b.name).sort()).toEqual(['h', 'main']);
    expect((await cli('host', 'rm', e.hostName)).stderr).toMatch(/still has repos: remote-repo/);
    expect((await cli('host', 'rm', 'box')).code).toBe(0);
    expect((await cli('host', 'rm', 'box')).stderr).toMatch(/unknown host: box/);
  });
});
