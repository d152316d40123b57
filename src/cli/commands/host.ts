// SSH hosts: `orchard host add | ls | test | rm | trust`. The Engine's host methods do the work,
// the same ones the window calls; arguments go through the router's own schemas (parseRequest).
import { createInterface } from 'node:readline/promises';
import { isAbsolute, resolve } from 'node:path';
import type { HostKey, RequestName, RequestParams } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import { parseRequest } from '../../core/rpc/schemas.ts';
import { flag, need, str, UsageError, type Command } from '../command.ts';
import { table } from '../format.ts';

const json = { json: { type: 'boolean' } } as const;

/** Arguments checked by the router's schema for `name`: bad ones are usage errors (exit 2). */
export function cliParams<K extends RequestName>(name: K, params: unknown): RequestParams<K> {
  try {
    return parseRequest(name, params);
  } catch (e) {
    if (e instanceof OrchardError && e.code === 'invalid-argument') throw new UsageError(e.message);
    throw e;
  }
}

/** Show the key and ask on the terminal; no terminal: not trusted (the message says what to pass). */
async function confirmKey(label: string, key: HostKey): Promise<boolean> {
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
      const ssh = str(values, 'ssh');
      const id = str(values, 'identity');
      // Relative to where the command runs; the app and the window only ever see absolute paths.
      const identity = id && !isAbsolute(id) && !id.startsWith('~') ? resolve(id) : id;
      const p = cliParams('addHost', {
        name: args[0],
        ...(ssh !== undefined ? { ssh } : {}),
        ...(identity !== undefined ? { identity } : {}),
      });
      const h = await engine().addHost(p);
      emit(
        h,
        `added host ${h.name}${p.ssh ? ` (${p.ssh})` : ' (ssh config alias)'}; check it with: orchard host test ${h.name}\n`,
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
      const hosts = (await engine().listHosts()).filter((h) => h.kind === 'ssh');
      emit(
        hosts,
        hosts.length
          ? table([
              ['NAME', 'SSH', 'IDENTITY'],
              ...hosts.map((h) => [
                h.name,
                h.address === h.name ? `(ssh config: ${h.name})` : (h.address ?? '-'),
                h.identity ?? '-',
              ]),
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
      const r = await engine().testHost(cliParams('testHost', { name: args[0] }).name);
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
    summary: 'forget an SSH host and close its connections (its repos must be removed first)',
    options: json,
    async run({ args, engine, emit }) {
      need(args, 1, this.usage);
      const h = await engine().removeHost(cliParams('removeHost', { name: args[0] }).name);
      emit(h, `removed host ${h.name} (nothing on the host was touched)\n`);
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
      const given = str(values, 'fingerprint');
      const replace = flag(values, 'replace');
      if (replace && !given) throw new UsageError('--replace needs --fingerprint');
      const name = cliParams('hostKey', { name: args[0] }).name;
      let fingerprint = given;
      if (!fingerprint) {
        // The window's way too: look at the key first, then trust exactly the key that was shown.
        const check = await engine().hostKey(name);
        const { key } = check;
        if (check.status === 'unknown') {
          if (!(await confirmKey(name, key)))
            throw new OrchardError(
              'host-key-unknown',
              `${key.host} presents ${key.keyType} ${key.fingerprint}; not trusted ` +
                `(check it out of band, then pass --fingerprint ${key.fingerprint})`,
            );
        }
        fingerprint = key.fingerprint;
      }
      const r = await engine().trustHost(
        cliParams('trustHost', { name, fingerprint, ...(replace ? { replace } : {}) }),
      );
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
