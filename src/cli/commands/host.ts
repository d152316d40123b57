// SSH hosts: `orchard host add | ls | test | rm | trust`.
import { createInterface } from 'node:readline/promises';
import { isAbsolute, resolve } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import type { Engine } from '../../core/engine.ts';
import { SshHostFactory, validateHostName } from '../../core/ssh/factory.ts';
import type { PresentedKey } from '../../core/ssh/host-keys.ts';
import { parseSshTarget } from '../../core/ssh/ssh-config.ts';
import type { HostConfig } from '../../core/store/store.ts';
import { flag, need, str, UsageError, type Command } from '../command.ts';
import { table } from '../format.ts';

const json = { json: { type: 'boolean' } } as const;

function sshHosts(engine: Engine): SshHostFactory {
  const f = engine.hosts.remoteFactory;
  if (!(f instanceof SshHostFactory)) throw new OrchardError('internal', 'SSH hosts are not available here');
  return f;
}

/** Show the key and ask on the terminal; no terminal: not trusted (the message says what to pass). */
async function confirmKey(label: string, key: PresentedKey): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(
      `${label} (${key.host}) presents this host key:\n  ${key.keyType} ${key.fingerprint}\n`,
    );
    const a = await rl.question('Trust it? Check the fingerprint out of band first. [y/N] ');
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}

export const hostCommands: Command[] = [
  {
    name: 'host add',
    usage: 'host add <name> [--ssh user@host[:port]] [--identity <file>] [--json]',
    summary: 'add an SSH host (without --ssh, <name> is an ssh config alias)',
    options: { ...json, ssh: { type: 'string' }, identity: { type: 'string' } },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      const name = args[0]!;
      validateHostName(name);
      const ssh = str(values, 'ssh');
      if (ssh !== undefined && !parseSshTarget(ssh))
        throw new UsageError(`--ssh wants user@host[:port], not ${JSON.stringify(ssh)}`);
      const id = str(values, 'identity');
      const identity = id && !isAbsolute(id) && !id.startsWith('~') ? resolve(id) : id;
      const host: HostConfig = { name, ...(ssh ? { ssh } : {}), ...(identity ? { identity } : {}) };
      await engine().store.update((c) => {
        if (c.hosts.some((h) => h.name === name))
          throw new OrchardError('invalid-argument', `a host named ${name} already exists`);
        c.hosts.push(host);
      });
      emit(
        host,
        `added host ${name}${ssh ? ` (${ssh})` : ' (ssh config alias)'}; check it with: orchard host test ${name}\n`,
      );
      return 0;
    },
  },
  {
    name: 'host ls',
    usage: 'host ls [--json]',
    summary: 'SSH hosts',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 0, this.usage);
      const hosts = (await engine().store.read()).hosts;
      emit(
        hosts,
        hosts.length
          ? table([
              ['NAME', 'SSH', 'IDENTITY'],
              ...hosts.map((h) => [h.name, h.ssh ?? `(ssh config: ${h.name})`, h.identity ?? '-']),
            ])
          : 'no SSH hosts (add one with: orchard host add <name> --ssh user@host)\n',
      );
      return 0;
    },
  },
  {
    name: 'host test',
    usage: 'host test <name> [--json]',
    summary: 'connect, check the host key, tmux >= 3.2 and git',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const r = await sshHosts(engine()).test(args[0]!);
      emit(
        r,
        table([
          ['host', r.name],
          ['target', r.target],
          ['host key', r.fingerprint],
          ['tmux', r.tmux],
          ['git', r.git],
          ['connect', `${r.connectMs} ms`],
        ]),
      );
      return 0;
    },
  },
  {
    name: 'host rm',
    usage: 'host rm <name> [--json]',
    summary: 'forget an SSH host (its repos must be removed first; nothing on the host is touched)',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const name = args[0]!;
      let removed: HostConfig | undefined;
      await engine().store.update((c) => {
        removed = c.hosts.find((h) => h.name === name);
        if (!removed) throw new OrchardError('host-not-found', `unknown host: ${name} (see orchard host ls)`);
        const repos = c.repos.filter((r) => r.host === name).map((r) => r.name);
        if (repos.length)
          throw new OrchardError(
            'invalid-argument',
            `host ${name} still has repos: ${repos.join(', ')} (orchard repo rm them first)`,
          );
        c.hosts = c.hosts.filter((h) => h.name !== name);
      });
      emit(removed, `removed host ${name} (nothing on the host was touched)\n`);
      return 0;
    },
  },
  {
    name: 'host trust',
    usage: 'host trust <name> [--fingerprint SHA256:...] [--replace] [--json]',
    summary: "trust a host's key (shows it and asks; with --fingerprint, pins only a match)",
    options: { ...json, fingerprint: { type: 'string' }, replace: { type: 'boolean' } },
    async run({ args, values, engine, emit }) {
      need(args, 1, this.usage);
      const name = args[0]!;
      const fingerprint = str(values, 'fingerprint');
      if (flag(values, 'replace') && !fingerprint) throw new UsageError('--replace needs --fingerprint');
      const r = await sshHosts(engine()).trust(name, {
        ...(fingerprint ? { fingerprint } : {}),
        replace: flag(values, 'replace'),
        confirm: (key) => confirmKey(name, key),
      });
      const verb =
        r.status === 'already-trusted'
          ? 'already trusted'
          : r.status === 'replaced'
            ? 'replaced with'
            : 'trusted';
      emit(r, `${r.key.host}: ${verb} ${r.key.keyType} ${r.key.fingerprint}\n`);
      return 0;
    },
  },
];
