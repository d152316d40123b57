// SSH hosts from Orchard's config: the RemoteHostFactory the HostRegistry plugs in, plus what host
// management (src/core/hosts/admin.ts: test, key check, trust) and the passphrase broker need.
// Settings are resolved on every connect, so an edited ~/.ssh/config applies to the next connection.
import type { HostKeyCheck, HostTestResult, TrustHostResult } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import type { Host } from '../hosts/host.ts';
import type { RemoteHostFactory } from '../hosts/registry.ts';
import type { HostConfig, Store } from '../store/store.ts';
import type { PassphrasePrompt } from './auth.ts';
import { connectSsh, probeHostKey, type ConnectDeps, type Connected } from './connect.ts';
import { hostKeyError, type HostKeyVerdict, type PresentedKey } from './host-keys.ts';
import { PassphraseBroker } from './passphrases.ts';
import { SshPool } from './pool.ts';
import { parseSshTarget, type SshSettings } from './ssh-config.ts';
import { SshHost, type Requirements } from './ssh-host.ts';
import { resolveSshSettings, settingsOptionsFromEnv, type SettingsOptions } from './settings.ts';

export interface SshFactoryOptions {
  settings?: SettingsOptions;
  /** A passphrase known without asking (the app's OS-keychain vault); tried first. */
  recallPassphrase?: PassphrasePrompt;
  /** Asks when no window listens for `passphraseRequest` (the CLI's terminal prompt). */
  askPassphrase?: PassphrasePrompt;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  maxChannels?: number;
  backoffMaxMs?: number;
}

export type { HostTestResult };

export interface TrustOptions {
  /** Pin only a key with this fingerprint (`SHA256:...`). */
  fingerprint?: string;
  /** Replace a key Orchard trusted before (never one from known_hosts). Needs `fingerprint`. */
  replace?: boolean;
}

export type TrustResult = TrustHostResult;

function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .trim()
      .replace(/^SHA256:/i, '')
      .replace(/=+$/, '');
  return norm(a) === norm(b);
}

export class SshHostFactory implements RemoteHostFactory {
  /** Encrypted keys: the windows are asked through this (src/core/rpc/passphrases.ts wires it). */
  readonly passphrases = new PassphraseBroker();
  private readonly store: Store;
  private readonly opts: SshFactoryOptions;
  private readonly deps: ConnectDeps;

  constructor(store: Store, opts: SshFactoryOptions = {}) {
    this.store = store;
    this.opts = opts;
    this.deps = {
      settingsOptions: opts.settings ?? settingsOptionsFromEnv(),
      readTrusted: async () => (await this.store.read()).trustedHostKeys ?? [],
      readyTimeoutMs: opts.readyTimeoutMs ?? 10_000,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 15_000,
      unlocked: new Map(),
    };
  }

  async names(): Promise<string[]> {
    return (await this.store.read()).hosts.map((h) => h.name);
  }

  async config(name: string): Promise<HostConfig> {
    const h = (await this.store.read()).hosts.find((x) => x.name === name);
    if (!h) throw new OrchardError('host-not-found', `unknown host: ${name} (see orchard host ls)`);
    return h;
  }

  /** Everything in a host's config that decides where its connections go (see HostRegistry). */
  async configKey(name: string): Promise<string | undefined> {
    const h = (await this.store.read()).hosts.find((x) => x.name === name);
    return h && JSON.stringify([h.ssh ?? null, h.identity ?? null, h.tmuxSocket ?? null]);
  }

  async tmuxSocket(name: string): Promise<string | undefined> {
    return (await this.config(name)).tmuxSocket;
  }

  /** `--ssh user@host:port` when given, else the name as an ssh config alias. */
  async settings(name: string): Promise<SshSettings> {
    const h = await this.config(name);
    const t = h.ssh ? parseSshTarget(h.ssh) : { host: name };
    if (!t) throw new OrchardError('invalid-argument', `host ${name}: cannot read ssh target ${h.ssh}`);
    return resolveSshSettings(
      t.host,
      {
        ...(t.user ? { user: t.user } : {}),
        ...(t.port ? { port: t.port } : {}),
        ...(h.identity ? { identity: h.identity } : {}),
      },
      this.deps.settingsOptions,
    );
  }

  /** Connect deps for one host: its name goes with a passphrase request (the dialog says which host). */
  private depsFor(name: string): ConnectDeps {
    return {
      ...this.deps,
      askPassphrase: async (file, retry) => {
        const known = await this.opts.recallPassphrase?.(file, retry);
        if (known) return known;
        if (this.passphrases.listening()) return this.passphrases.ask(file, retry, name);
        return this.opts.askPassphrase?.(file, retry);
      },
    };
  }

  private async connect(name: string): Promise<Connected> {
    return connectSsh(name, await this.settings(name), this.depsFor(name));
  }

  async open(name: string): Promise<Host> {
    await this.config(name);
    const pool = new SshPool({
      label: name,
      connect: () => this.connect(name),
      ...(this.opts.maxChannels ? { maxChannels: this.opts.maxChannels } : {}),
      ...(this.opts.backoffMaxMs ? { backoffMaxMs: this.opts.backoffMaxMs } : {}),
    });
    return new SshHost(name, pool);
  }

  /** Connect, check the key and the requirements (tmux >= 3.2, git); a fresh connection. */
  async test(name: string): Promise<HostTestResult> {
    const s = await this.settings(name);
    const started = Date.now();
    let hostKey: PresentedKey | undefined;
    const pool = new SshPool({
      label: name,
      connect: async () => {
        const c = await connectSsh(name, s, this.depsFor(name));
        hostKey = c.hostKey;
        return c;
      },
    });
    const host = new SshHost(name, pool);
    try {
      const req: Requirements = await host.requirements();
      return {
        name,
        target: `${s.user}@${s.hostname}:${s.port}`,
        fingerprint: hostKey?.fingerprint ?? '',
        tmux: req.tmux,
        git: req.git,
        connectMs: Date.now() - started,
      };
    } finally {
      host.dispose();
    }
  }

  /** The key the host (or the first untrusted hop before it) presents, and its verdict; trusts nothing. */
  async checkKey(name: string): Promise<HostKeyCheck> {
    const s = await this.settings(name);
    try {
      const { key, verdict } = await probeHostKey(name, s, this.deps);
      return {
        key,
        status: verdict.status,
        ...('source' in verdict ? { source: verdict.source } : {}),
        ...('expected' in verdict ? { expected: verdict.expected } : {}),
      };
    } catch (e) {
      // A jump host's key is unknown: that is the one to check and trust first.
      if (e instanceof OrchardError && e.code === 'host-key-unknown' && e.detail)
        return { key: JSON.parse(e.detail) as PresentedKey, status: 'unknown' };
      throw e;
    }
  }

  /** Trust the first key in the chain (jump hosts, then the host) that is not trusted yet. */
  async trust(name: string, opts: TrustOptions = {}): Promise<TrustResult> {
    const check = await this.checkKey(name);
    const { key } = check;
    if (check.status === 'trusted') return { key, status: 'already-trusted' };
    if (check.status === 'unknown') return this.pin(key, opts, 'added');
    if (check.status === 'changed' && opts.replace && check.source === 'Orchard trust store') {
      if (!opts.fingerprint)
        throw new OrchardError(
          'invalid-argument',
          `--replace needs --fingerprint (the new key's, checked out of band)`,
        );
      return this.pin(key, opts, 'replaced');
    }
    const source = check.source ?? 'known_hosts';
    const verdict: HostKeyVerdict =
      check.status === 'changed'
        ? { status: 'changed', expected: check.expected ?? '?', source }
        : { status: 'revoked', source };
    throw hostKeyError(name, verdict, key)!;
  }

  private async pin(
    key: PresentedKey,
    opts: TrustOptions,
    status: 'added' | 'replaced',
  ): Promise<TrustResult> {
    if (opts.fingerprint) {
      if (!sameFingerprint(opts.fingerprint, key.fingerprint))
        throw new OrchardError(
          'host-key-unknown',
          `${key.host} presents ${key.keyType} ${key.fingerprint}, not ${opts.fingerprint}; nothing was trusted`,
          JSON.stringify(key),
        );
    } else {
      // Nothing is trusted unseen: a front end shows the key (checkKey) and passes its fingerprint.
      throw new OrchardError(
        'host-key-unknown',
        `${key.host} presents ${key.keyType} ${key.fingerprint}; not trusted ` +
          `(check it out of band, then pass --fingerprint ${key.fingerprint})`,
        JSON.stringify(key),
      );
    }
    await this.store.update((c) => {
      const others = (c.trustedHostKeys ?? []).filter(
        (t) => !(status === 'replaced' && t.host === key.host && t.keyType === key.keyType),
      );
      others.push({ ...key, addedAt: new Date().toISOString() });
      c.trustedHostKeys = others;
    });
    return { key, status };
  }
}
