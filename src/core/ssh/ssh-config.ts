// SSH host settings as OpenSSH resolves them: parsing `ssh -G` output (the real resolver, with
// Include, Match and tokens done by ssh itself), and a small ssh_config evaluator for machines
// without an OpenSSH client (Host patterns, Include, first value wins; Match blocks are skipped).
// Pure functions: the files and the ssh process are handled in settings.ts.
import { parseSshAddress, type SshAddress } from '../../shared/address.ts';

export interface SshSettings {
  /** The name that was resolved (an ssh config alias or a host name). */
  alias: string;
  hostname: string;
  port: number;
  user: string;
  /** Expanded paths, in the order OpenSSH tries them (missing files are skipped at auth time). */
  identityFiles: string[];
  /** ssh-agent socket path; null: no agent (IdentityAgent none, or no SSH_AUTH_SOCK). */
  identityAgent: string | null;
  /** Jump hosts as written (`[user@]host[:port]` or ssh:// URIs), first hop first. */
  proxyJump: string[];
  proxyCommand: string | null;
  knownHostsFiles: string[];
  /** HostKeyAlias: the name looked up in known_hosts instead of the host name. */
  hostKeyAlias: string | null;
  connectTimeoutMs: number | null;
}

export interface ExpandContext {
  home: string;
  localUser: string;
  env: Record<string, string | undefined>;
}

/** `ssh -G` prints `key value...` per line, keys lowercased; repeated keys (identityfile) accumulate. */
export function parseSshG(output: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of output.split(/\r?\n/)) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), m[2]!]);
  }
  return map;
}

export function expandPath(p: string, ctx: ExpandContext): string {
  if (p === '~') return ctx.home;
  if (p.startsWith('~/')) return ctx.home + p.slice(1);
  return p;
}

/** IdentityAgent values: none, SSH_AUTH_SOCK (the variable), $VAR / ${VAR}, or a path. */
export function resolveAgent(value: string | undefined, ctx: ExpandContext): string | null {
  const fromEnv = ctx.env.SSH_AUTH_SOCK || null;
  if (value === undefined) return fromEnv;
  if (value === 'none') return null;
  if (value === 'SSH_AUTH_SOCK') return fromEnv;
  const v = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
  if (v) return ctx.env[v[1]!] || null;
  return expandPath(value, ctx);
}

function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

/** Settings from `ssh -G` output (tokens and Include/Match already applied by ssh). */
export function settingsFromSshG(alias: string, output: string, ctx: ExpandContext): SshSettings {
  const g = parseSshG(output);
  const one = (k: string) => g.get(k)?.[0];
  const jump = one('proxyjump');
  const cmd = one('proxycommand');
  const timeout = Number(one('connecttimeout'));
  const alias2 = one('hostkeyalias');
  return {
    alias,
    hostname: one('hostname') ?? alias,
    port: Number(one('port') ?? 22) || 22,
    user: one('user') ?? ctx.localUser,
    identityFiles: (g.get('identityfile') ?? []).map((f) => expandPath(f, ctx)),
    identityAgent: resolveAgent(one('identityagent'), ctx),
    proxyJump: jump && jump !== 'none' ? jump.split(',').filter(Boolean) : [],
    proxyCommand: cmd && cmd !== 'none' ? cmd : null,
    knownHostsFiles: [
      ...splitList(g.get('userknownhostsfile')),
      ...splitList(g.get('globalknownhostsfile')),
    ].map((f) => expandPath(f, ctx)),
    hostKeyAlias: alias2 && alias2 !== 'none' ? alias2 : null,
    connectTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Fallback: evaluate ssh_config text ourselves.

export interface ConfigLine {
  key: string;
  args: string[];
}

/** Tokenize `Key value`, `Key=value` and double-quoted arguments, comments dropped. */
export function tokenizeConfigLine(line: string): ConfigLine | null {
  const t = line.trim();
  if (!t || t.startsWith('#')) return null;
  const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(t);
  if (!m) return { key: t.toLowerCase(), args: [] };
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let a = re.exec(m[2]!); a; a = re.exec(m[2]!)) {
    if (a[2]?.startsWith('#')) break;
    args.push(a[1] ?? a[2]!);
  }
  return { key: m[1]!.toLowerCase(), args };
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** `Host` patterns: any positive match and no negated match. */
export function hostPatternsMatch(patterns: readonly string[], name: string): boolean {
  let ok = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) ok = true;
  }
  return ok;
}

/** Values for `alias`: first obtained value wins; IdentityFile accumulates. */
export function evaluateSshConfig(
  alias: string,
  text: string,
  readInclude: (pattern: string) => string[] = () => [],
  depth = 0,
  into: Map<string, string[]> = new Map(),
): Map<string, string[]> {
  let active = true;
  for (const raw of text.split(/\r?\n/)) {
    const line = tokenizeConfigLine(raw);
    if (!line) continue;
    if (line.key === 'host') {
      active = hostPatternsMatch(line.args, alias);
      continue;
    }
    if (line.key === 'match') {
      // Match needs ssh's own evaluator (exec, canonical names): only `Match all` is honoured here.
      active = line.args.length === 1 && line.args[0]!.toLowerCase() === 'all';
      continue;
    }
    if (!active) continue;
    if (line.key === 'include') {
      if (depth < 16)
        for (const pattern of line.args)
          for (const inc of readInclude(pattern)) evaluateSshConfig(alias, inc, readInclude, depth + 1, into);
      continue;
    }
    if (line.key === 'identityfile')
      into.set('identityfile', [...(into.get('identityfile') ?? []), ...line.args]);
    else if (!into.has(line.key)) into.set(line.key, line.args);
  }
  return into;
}

/** %h %p %r %u %d %% in a config value, as OpenSSH expands them. */
export function expandTokens(
  value: string,
  t: { host: string; port: number; user: string; localUser: string; home: string },
): string {
  return value.replace(/%([hprud%])/g, (_, c: string) =>
    c === 'h'
      ? t.host
      : c === 'p'
        ? String(t.port)
        : c === 'r'
          ? t.user
          : c === 'u'
            ? t.localUser
            : c === 'd'
              ? t.home
              : '%',
  );
}

const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519'];

/** Settings from evaluated config values, with OpenSSH's defaults. */
export function settingsFromConfig(
  alias: string,
  values: Map<string, string[]>,
  ctx: ExpandContext,
): SshSettings {
  const one = (k: string) => values.get(k)?.[0];
  const port = Number(one('port') ?? 22) || 22;
  const user = one('user') ?? ctx.localUser;
  const base = { port, user, localUser: ctx.localUser, home: ctx.home };
  const hostname = expandTokens(one('hostname') ?? alias, { ...base, host: alias });
  const tok = { ...base, host: hostname };
  const path = (f: string) => expandPath(expandTokens(f, tok), ctx);
  const ids = values.get('identityfile') ?? DEFAULT_IDENTITIES.map((f) => `~/.ssh/${f}`);
  const agent = one('identityagent');
  const jump = one('proxyjump');
  const cmd = values.get('proxycommand')?.join(' ');
  const known = values.get('userknownhostsfile') ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
  const timeout = Number(one('connecttimeout'));
  return {
    alias,
    hostname,
    port,
    user,
    identityFiles: ids.map(path),
    identityAgent: resolveAgent(agent === undefined ? undefined : expandTokens(agent, tok), ctx),
    proxyJump: jump && jump !== 'none' ? jump.split(',').filter(Boolean) : [],
    proxyCommand: cmd && cmd !== 'none' ? cmd : null,
    knownHostsFiles: [...known, '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'].map(path),
    hostKeyAlias: one('hostkeyalias') ?? null,
    connectTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : null,
  };
}

export type SshTarget = SshAddress;

/** `[user@]host[:port]`, `[user@][v6addr]:port` or `ssh://[user@]host[:port]`; null: not one. */
export function parseSshTarget(spec: string): SshTarget | null {
  const t = parseSshAddress(spec);
  return typeof t === 'string' ? null : t;
}
