// SSH settings: `ssh -G` output parsing, and the fallback ssh_config evaluator checked against
// what the real OpenSSH client resolves for the same file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  evaluateSshConfig,
  hostPatternsMatch,
  parseSshG,
  parseSshTarget,
  settingsFromConfig,
  settingsFromSshG,
  tokenizeConfigLine,
  type ExpandContext,
} from '../../src/core/ssh/ssh-config.ts';
import { resolveSshSettings } from '../../src/core/ssh/settings.ts';

let dir: string;
let config: string;
const home = userInfo().homedir;
const ctx = (): ExpandContext => ({
  home,
  localUser: userInfo().username,
  env: { SSH_AUTH_SOCK: '/agent.sock' },
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orchard-sshcfg-'));
  mkdirSync(join(dir, '.ssh'));
  writeFileSync(join(dir, 'extra.conf'), 'Host inc\n  HostName included.example\n  Port 2200\n');
  config = join(dir, 'config');
  writeFileSync(
    config,
    [
      `Include ${join(dir, 'extra.conf')}`,
      'Host box',
      '  HostName 10.0.0.5',
      '  User alice',
      '  Port 2222',
      '  IdentityFile ~/.ssh/box_key',
      '  IdentityFile /keys/second',
      '  ProxyJump jump1,bob@jump2:2201',
      '',
      'Host *.lab !bad.lab',
      '  User labuser',
      '  IdentityAgent none',
      '',
      'Host tok',
      '  HostName %h.example.org',
      '  UserKnownHostsFile ~/.ssh/kh_%h',
      '',
      'Host box',
      '  # first value wins: this Port is ignored',
      '  Port 9999',
    ].join('\n') + '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sshG = (alias: string, extra: string[] = []) =>
  execFileSync('ssh', ['-G', '-F', config, ...extra, '--', alias], {
    encoding: 'utf8',
    env: { ...process.env, HOME: dir, SSH_AUTH_SOCK: '/agent.sock' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });

describe('ssh -G output', () => {
  test('parsed as OpenSSH resolved it', () => {
    const s = settingsFromSshG('box', sshG('box'), ctx());
    expect(s).toMatchObject({
      hostname: '10.0.0.5',
      user: 'alice',
      port: 2222,
      identityAgent: '/agent.sock',
      proxyJump: ['jump1', 'bob@jump2:2201'],
      proxyCommand: null,
    });
    expect(s.identityFiles.slice(0, 2)).toEqual([join(home, '.ssh/box_key'), '/keys/second']);
    const g = parseSshG('identityfile a\nidentityfile b\nport 22\n');
    expect(g.get('identityfile')).toEqual(['a', 'b']);
  });

  test('Include, negated patterns, IdentityAgent none, tokens', () => {
    expect(settingsFromSshG('inc', sshG('inc'), ctx())).toMatchObject({
      hostname: 'included.example',
      port: 2200,
    });
    expect(settingsFromSshG('a.lab', sshG('a.lab'), ctx())).toMatchObject({
      user: 'labuser',
      identityAgent: null,
    });
    expect(settingsFromSshG('bad.lab', sshG('bad.lab'), ctx()).user).not.toBe('labuser');
    const tok = settingsFromSshG('tok', sshG('tok'), ctx());
    expect(tok.hostname).toBe('tok.example.org');
    expect(tok.knownHostsFiles[0]).toBe(join(home, '.ssh/kh_tok.example.org'));
  });
});

describe('fallback ssh_config evaluator agrees with ssh -G', () => {
  const include = (p: string) => [readFileSync(p, 'utf8')];
  test.each(['box', 'inc', 'a.lab', 'bad.lab', 'tok', 'plain.example'])('%s', (alias) => {
    const ours = settingsFromConfig(
      alias,
      evaluateSshConfig(alias, readFileSync(config, 'utf8'), include),
      ctx(),
    );
    const real = settingsFromSshG(alias, sshG(alias), ctx());
    expect(ours.hostname).toBe(real.hostname);
    expect(ours.port).toBe(real.port);
    expect(ours.user).toBe(real.user);
    expect(ours.identityAgent).toBe(real.identityAgent);
    expect(ours.proxyJump).toEqual(real.proxyJump);
    expect(ours.knownHostsFiles[0]).toBe(real.knownHostsFiles[0]);
    // ssh lists a few more default key names; ours are the common ones, in ssh's order.
    expect(real.identityFiles.slice(0, 2)).toEqual(
      expect.arrayContaining(ours.identityFiles.filter((f) => !f.includes('/.ssh/id_')).slice(0, 2)),
    );
  });

  test('lines and patterns', () => {
    expect(tokenizeConfigLine('  HostName=example.com')).toEqual({ key: 'hostname', args: ['example.com'] });
    expect(tokenizeConfigLine('IdentityFile "/a b/key" # c')).toEqual({
      key: 'identityfile',
      args: ['/a b/key'],
    });
    expect(tokenizeConfigLine('# only a comment')).toBeNull();
    expect(hostPatternsMatch(['*', '!secret'], 'secret')).toBe(false);
    expect(hostPatternsMatch(['web?'], 'web1')).toBe(true);
  });
});

describe('resolveSshSettings', () => {
  test('with and without the OpenSSH client, explicit user/port/identity win', async () => {
    const opts = { configFile: config, env: { ...process.env, HOME: dir, SSH_AUTH_SOCK: '' } };
    for (const sshBinary of ['ssh', null]) {
      const s = await resolveSshSettings(
        'box',
        { user: 'carol', port: 2022, identity: '/id/explicit' },
        { ...opts, sshBinary },
      );
      expect(s).toMatchObject({ hostname: '10.0.0.5', user: 'carol', port: 2022, identityAgent: null });
      expect(s.identityFiles[0]).toBe('/id/explicit');
    }
  });

  test('ORCHARD_KNOWN_HOSTS replaces the known_hosts files', async () => {
    const s = await resolveSshSettings('box', {}, { configFile: config, knownHostsFile: '/kh/only' });
    expect(s.knownHostsFiles).toEqual(['/kh/only']);
  });

  test('a broken config is a clear error', async () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, 'Host x\n  NoSuchOption yes\n');
    await expect(resolveSshSettings('x', {}, { configFile: bad })).rejects.toThrow(/ssh -G x failed/);
  });
});

describe('ssh targets (--ssh user@host[:port])', () => {
  test.each([
    ['host', { host: 'host' }],
    ['bob@host', { user: 'bob', host: 'host' }],
    ['bob@host:2222', { user: 'bob', host: 'host', port: 2222 }],
    ['[::1]:22', { host: '::1', port: 22 }],
    ['me@[fe80::1]', { user: 'me', host: 'fe80::1' }],
    ['ssh://u@h.example:2200', { user: 'u', host: 'h.example', port: 2200 }],
  ])('%s', (spec, want) => {
    expect(parseSshTarget(spec)).toEqual(want);
  });

  test.each(['', '-oProxyCommand=x', 'a b', 'host:99999', 'u@', '@host', 'host:port'])(
    'rejects %j',
    (spec) => {
      expect(parseSshTarget(spec)).toBeNull();
    },
  );
});
