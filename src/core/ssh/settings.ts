// Resolving a host's SSH settings: `ssh -G` when an OpenSSH client is installed (it applies Include,
// Match, tokens and defaults exactly as ssh would), else our own ssh_config evaluator.
// ORCHARD_SSH_CONFIG replaces ~/.ssh/config (as `ssh -F`); ORCHARD_KNOWN_HOSTS replaces the
// known_hosts files.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import {
  evaluateSshConfig,
  expandPath,
  hostPatternsMatch,
  parseSshTarget,
  settingsFromConfig,
  settingsFromSshG,
  type ExpandContext,
  type SshSettings,
} from './ssh-config.ts';

export interface SettingsOptions {
  /** ssh_config file to use instead of ~/.ssh/config (and /etc/ssh/ssh_config). */
  configFile?: string;
  /** known_hosts file to use instead of the configured ones. */
  knownHostsFile?: string;
  env?: NodeJS.ProcessEnv;
  /** The OpenSSH client; null forces the built-in parser. */
  sshBinary?: string | null;
}

export interface SettingsOverrides {
  user?: string;
  port?: number;
  identity?: string;
}

export function settingsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SettingsOptions {
  return {
    ...(env.ORCHARD_SSH_CONFIG ? { configFile: env.ORCHARD_SSH_CONFIG } : {}),
    ...(env.ORCHARD_KNOWN_HOSTS ? { knownHostsFile: env.ORCHARD_KNOWN_HOSTS } : {}),
    env,
  };
}

/** `~` is the passwd home, as ssh expands it (not $HOME). */
function expandContext(env: NodeJS.ProcessEnv): ExpandContext {
  try {
    const u = userInfo();
    return { home: u.homedir, localUser: u.username, env };
  } catch {
    return { home: env.HOME || homedir(), localUser: env.USER ?? '', env };
  }
}

function runSshG(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, timeout: 10_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(null);
      if (err)
        return reject(
          new OrchardError(
            'invalid-argument',
            `ssh -G ${args[args.length - 1]} failed: ${stderr.trim().split('\n').pop() || err.message}`,
          ),
        );
      resolve(stdout);
    });
  });
}

/** Include for the fallback parser: relative to ~/.ssh, `*` and `?` in the file name. */
function includeReader(ctx: ExpandContext, configDir: string): (pattern: string) => string[] {
  return (pattern) => {
    const p = expandPath(pattern, ctx);
    const full = isAbsolute(p) ? p : join(configDir, p);
    const dir = dirname(full);
    const base = full.slice(dir.length + 1);
    let names: string[];
    try {
      names = /[*?]/.test(base)
        ? readdirSync(dir)
            .filter((n) => hostPatternsMatch([base], n))
            .sort()
        : [base];
    } catch {
      return [];
    }
    return names.flatMap((n) => {
      try {
        return [readFileSync(join(dir, n), 'utf8')];
      } catch {
        return [];
      }
    });
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function fallbackSettings(alias: string, opts: SettingsOptions, ctx: ExpandContext): SshSettings {
  const userConfig = opts.configFile ?? join(ctx.home, '.ssh', 'config');
  const include = includeReader(ctx, join(ctx.home, '.ssh'));
  let values = evaluateSshConfig(alias, readText(userConfig), include);
  if (!opts.configFile)
    values = evaluateSshConfig(alias, readText('/etc/ssh/ssh_config'), include, 0, values);
  return settingsFromConfig(alias, values, ctx);
}

/** Settings for `alias` as `ssh alias` would use them, with explicit user/port/identity on top. */
export async function resolveSshSettings(
  alias: string,
  over: SettingsOverrides = {},
  opts: SettingsOptions = {},
): Promise<SshSettings> {
  const env = opts.env ?? process.env;
  const ctx = expandContext(env);
  const bin = opts.sshBinary === undefined ? 'ssh' : opts.sshBinary;
  const args = [
    '-G',
    ...(opts.configFile ? ['-F', opts.configFile] : []),
    ...(over.user ? ['-l', over.user] : []),
    ...(over.port ? ['-p', String(over.port)] : []),
    '--',
    alias,
  ];
  const out = bin ? await runSshG(bin, args, env) : null;
  const s = out !== null ? settingsFromSshG(alias, out, ctx) : fallbackSettings(alias, opts, ctx);
  if (out === null) {
    if (over.user) s.user = over.user;
    if (over.port) s.port = over.port;
  }
  if (over.identity) s.identityFiles = [expandPath(over.identity, ctx), ...s.identityFiles];
  if (opts.knownHostsFile) s.knownHostsFiles = [opts.knownHostsFile];
  return s;
}

/** A ProxyJump hop (`[user@]host[:port]` or ssh://), resolved through the config like ssh -J does. */
export async function resolveHop(spec: string, opts: SettingsOptions): Promise<SshSettings> {
  const t = parseSshTarget(spec);
  if (!t) throw new OrchardError('invalid-argument', `cannot read ProxyJump hop: ${spec}`);
  return resolveSshSettings(
    t.host,
    { ...(t.user ? { user: t.user } : {}), ...(t.port ? { port: t.port } : {}) },
    opts,
  );
}
