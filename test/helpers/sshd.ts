// A throwaway OpenSSH server on 127.0.0.1 for the SSH tests: its own host key, user keys,
// authorized_keys, config and a random free port, all in a temp dir. The "remote" is this very
// machine and user, with HOME pointed at a temp folder (sshd SetEnv) so nothing lands in ~.
import { afterAll, beforeAll } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/core/engine.ts';
import { HostRegistry } from '../../src/core/hosts/registry.ts';
import { SshHostFactory, type SshFactoryOptions } from '../../src/core/ssh/factory.ts';
import { makeEnv, type TestEnv } from './env.ts';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  dir: string;
  port: number;
  /** `ssh-ed25519 AAAA...` of the server's host key. */
  hostPub: string;
  /** Unencrypted user key (in authorized_keys). */
  userKey: string;
  /** Encrypted user key, passphrase ENCRYPTED_KEY_PASSPHRASE (in authorized_keys). */
  encryptedKey: string;
  /** HOME of sessions on this server. */
  remoteHome: string;
  user: string;
  /** A known_hosts line for this server (`[127.0.0.1]:port key`). */
  knownHostsLine(pub?: string): string;
  /** An ssh_config block for `alias` pointing here. */
  configBlock(alias: string, extra?: string[]): string;
  start(): Promise<void>;
  /** Stop the server and every connection it serves (the client sees the host go away). */
  stop(): Promise<void>;
  /** A fresh public key the server does not have (plays "the key known for this host"). */
  otherKey(): string;
  cleanup(): Promise<void>;
}

export const ENCRYPTED_KEY_PASSPHRASE = 'correct horse battery staple';

function keygen(file: string, passphrase = ''): string {
  // -a 4: few KDF rounds, so decrypting the test key (pure JS bcrypt in ssh2) stays quick.
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-a',
    '4',
    '-N',
    passphrase,
    '-C',
    'orchard-test',
    '-f',
    file,
  ]);
  return readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

/** A TCP port free on 127.0.0.1 right now (for servers a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Every process under `pid`, from /proc (connection handlers and the shells they run). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

export interface SshdOptions {
  maxSessions?: number;
  /** Extra environment for sessions (sshd SetEnv), e.g. a PATH with a fake tool first. */
  env?: Record<string, string>;
}

export async function makeSshd(opts: SshdOptions = {}): Promise<Sshd> {
  if (!existsSync(SSHD))
    throw new Error(`${SSHD} is missing: install openssh-server (apt-get install -y openssh-server)`);
  mkdirSync('/run/sshd', { recursive: true });
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'orchard-sshd-')));
  const port = await freePort();
  const hostKey = join(dir, 'host_ed25519');
  const hostPub = keygen(hostKey);
  const userKey = join(dir, 'user_ed25519');
  const encryptedKey = join(dir, 'user_encrypted');
  const authorized = [keygen(userKey), keygen(encryptedKey, ENCRYPTED_KEY_PASSPHRASE)];
  writeFileSync(join(dir, 'authorized_keys'), authorized.join('\n') + '\n', { mode: 0o600 });
  const remoteHome = join(dir, 'remote-home');
  mkdirSync(remoteHome);
  const user = userInfo().username;
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `MaxSessions ${opts.maxSessions ?? 10}`,
      'AllowTcpForwarding yes',
      `SetEnv HOME=${remoteHome}${Object.entries(opts.env ?? {})
        .map(([k, v]) => ` ${k}=${v}`)
        .join('')}`,
      'LogLevel ERROR',
    ].join('\n') + '\n',
  );
  let child: ChildProcess | undefined;
  let log = '';

  const sshd: Sshd = {
    dir,
    port,
    hostPub,
    userKey,
    encryptedKey,
    remoteHome,
    user,
    knownHostsLine: (pub = hostPub) => `[127.0.0.1]:${port} ${pub}`,
    configBlock: (alias, extra = []) =>
      [
        `Host ${alias}`,
        '  HostName 127.0.0.1',
        `  Port ${port}`,
        `  User ${user}`,
        `  IdentityFile ${userKey}`,
        '  IdentityAgent none',
        ...extra.map((l) => `  ${l}`),
      ].join('\n') + '\n',
    async start() {
      if (child) return;
      log = '';
      child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d) => (log += d));
      const c = child;
      c.once('exit', () => {
        if (child === c) child = undefined;
      });
      const end = Date.now() + 10_000;
      while (!(await canConnect(port))) {
        if (!child || Date.now() > end) throw new Error(`sshd did not start: ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const c = child;
      if (!c?.pid) return;
      for (const pid of descendants(c.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
      child = undefined;
    },
    otherKey() {
      const f = join(dir, `other_${Date.now()}_${Math.random().toString(16).slice(2)}`);
      return keygen(f);
    },
    async cleanup() {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await sshd.start();
  return sshd;
}

export interface SshTestEnv {
  env: TestEnv;
  hostName: string;
  repoRef(path: string): string;
  configFile: string;
  knownHostsFile: string;
  /** The remote side's own tmux socket (loopback: the same machine, so never the local one). */
  remoteSocket: string;
  factory: SshHostFactory;
  teardown(): Promise<void>;
}

/**
 * A test env (makeEnv) whose engine also has the SSH host `hostName` on `sshd`, with an ssh
 * config and a known_hosts of its own (ORCHARD_SSH_CONFIG / ORCHARD_KNOWN_HOSTS for CLI runs).
 */
export async function makeSshEnv(
  sshd: Sshd,
  opts: { hostName?: string; knownHosts?: string[]; factory?: SshFactoryOptions } = {},
): Promise<SshTestEnv> {
  const hostName = opts.hostName ?? 'sshtest';
  const base = await makeEnv();
  const configFile = join(base.home, 'ssh_config');
  const knownHostsFile = join(base.home, 'known_hosts');
  mkdirSync(base.home, { recursive: true });
  writeFileSync(configFile, sshd.configBlock(hostName));
  writeFileSync(knownHostsFile, (opts.knownHosts ?? [sshd.knownHostsLine()]).join('\n') + '\n');
  const remoteSocket = `${base.socket}-ssh`;
  const store = base.engine.store;
  await store.update((c) => {
    c.hosts.push({ name: hostName, tmuxSocket: remoteSocket });
  });
  const factory = new SshHostFactory(store, {
    settings: { configFile, knownHostsFile, env: process.env },
    backoffMaxMs: 1000,
    ...opts.factory,
  });
  const engine = new Engine(store, new HostRegistry(base.home, { tmuxSocket: base.socket, remote: factory }));
  base.engine.dispose();
  const env: TestEnv = {
    ...base,
    engine,
    env: { ...base.env, ORCHARD_SSH_CONFIG: configFile, ORCHARD_KNOWN_HOSTS: knownHostsFile },
    cleanup() {
      engine.dispose();
      const { TMUX_TMPDIR: _t, ...plain } = process.env;
      try {
        execFileSync('tmux', ['-L', remoteSocket, 'kill-server'], { stdio: 'ignore', env: plain });
      } catch {
        // no server
      }
      // tmux leaves its socket file behind; sessions over sshd use the default socket folder.
      rmSync(join('/tmp', `tmux-${process.getuid?.() ?? 0}`, remoteSocket), { force: true });
      base.cleanup();
    },
  };
  return {
    env,
    hostName,
    repoRef: (p) => `${hostName}:${p}`,
    configFile,
    knownHostsFile,
    remoteSocket,
    factory,
    teardown: async () => env.cleanup(),
  };
}

/**
 * The common file setup: a throwaway sshd and an SSH test env for the whole file, torn down after
 * it. Read `.env` / `.sshd` inside tests (they are set in beforeAll).
 */
export function useSshEnv(): { readonly env: SshTestEnv; readonly sshd: Sshd } {
  let sshd: Sshd | undefined;
  let env: SshTestEnv | undefined;
  beforeAll(async () => {
    sshd = await makeSshd();
    env = await makeSshEnv(sshd);
  });
  afterAll(async () => {
    await env?.teardown();
    await sshd?.cleanup();
  });
  return {
    get env() {
      return env!;
    },
    get sshd() {
      return sshd!;
    },
  };
}
