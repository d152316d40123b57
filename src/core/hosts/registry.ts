// Hosts by name, each with its tmux server and Orchard's folder on that host. A remote host's
// connection is kept between calls, but only for as long as its config says the same: a host that
// is removed, re-addressed or given another key or socket (here, by the CLI, or by hand) is
// forgotten and its connections closed, so commands never go to the old machine.
import { posix } from 'node:path';
import type { HostStatus } from '../../shared/api.ts';
import { OrchardError, toErrorValue } from '../../shared/errors.ts';
import { LOCAL_HOST } from '../../shared/model.ts';
import { Tmux, tmuxSocketName } from '../tmux/tmux.ts';
import type { Disposable } from '../util/lifecycle.ts';
import type { Host } from './host.ts';
import { LocalHost } from './local.ts';

export interface HostContext {
  host: Host;
  tmux: Tmux;
  /** Orchard's own folder on that host (hooks settings and the like). */
  home(): Promise<string>;
}

/** Opens remote hosts on demand; the SSH layer plugs in here. */
export interface RemoteHostFactory {
  names(): Promise<string[]>;
  open(name: string): Promise<Host>;
  /** A host's own tmux socket name, when its config sets one. */
  tmuxSocket?(name: string): Promise<string | undefined>;
  /**
   * What the host's config says about how to reach it, as one comparable string; undefined when
   * there is no such host. A change makes the registry drop the open connection.
   */
  configKey?(name: string): Promise<string | undefined>;
}

export interface HostRegistryOptions {
  remote?: RemoteHostFactory;
  local?: Host;
  /**
   * tmux socket name on every host (default ORCHARD_TMUX_SOCKET or "orchard"), or per host name.
   * A host's own config (RemoteHostFactory.tmuxSocket) wins: loopback SSH in tests reaches this
   * very machine, where the remote and the local server must not share a socket.
   */
  tmuxSocket?: string | ((host: string) => string);
}

export interface HostContact {
  status: HostStatus;
  error?: string;
  /** ISO time of the contact. */
  at?: string;
}

interface Entry {
  ctx: Promise<HostContext>;
  /** The config it was opened with (RemoteHostFactory.configKey). */
  key: string | undefined;
}

/** An error that says the host key is the problem, not the network. */
function isKeyError(e: unknown): boolean {
  const code = toErrorValue(e).code;
  return code === 'host-key-unknown' || code === 'host-key-changed';
}

export class HostRegistry implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly contacts = new Map<string, HostContact>();
  private readonly localHome: string;
  private readonly remote: RemoteHostFactory | undefined;
  private readonly local: Host;
  private readonly localCtx: Promise<HostContext>;
  private readonly socket: (host: string) => string;

  constructor(localHome: string, opts: HostRegistryOptions = {}) {
    this.localHome = localHome;
    this.remote = opts.remote;
    this.local = opts.local ?? new LocalHost();
    const s = opts.tmuxSocket ?? tmuxSocketName();
    this.socket = typeof s === 'function' ? s : () => s;
    const home = localHome;
    this.localCtx = Promise.resolve({
      host: this.local,
      tmux: new Tmux(this.local, this.socket(LOCAL_HOST)),
      home: async () => home,
    });
  }

  get localHost(): Host {
    return this.local;
  }

  /** Orchard's folder on this machine (ORCHARD_HOME). */
  get home(): string {
    return this.localHome;
  }

  /** The remote host factory (the SSH layer), for host management commands. */
  get remoteFactory(): RemoteHostFactory | undefined {
    return this.remote;
  }

  /** Every host's name, this machine first. Hosts gone from the config are forgotten on the way. */
  async names(): Promise<string[]> {
    const remote = (await this.remote?.names()) ?? [];
    for (const name of [...this.entries.keys()]) if (!remote.includes(name)) this.forget(name);
    return [LOCAL_HOST, ...remote];
  }

  async get(name: string): Promise<HostContext> {
    if (name === LOCAL_HOST) return this.localCtx;
    if (!this.remote) throw new OrchardError('host-not-found', `unknown host: ${name}`);
    const key = this.remote.configKey ? await this.remote.configKey(name) : '';
    const known = this.entries.get(name);
    if (known && known.key === key) return known.ctx;
    if (known) this.forget(name);
    if (key === undefined) {
      this.contacts.delete(name);
      throw new OrchardError('host-not-found', `unknown host: ${name} (see orchard host ls)`);
    }
    const ctx = this.open(name);
    const entry: Entry = { ctx, key };
    this.entries.set(name, entry);
    ctx.catch((e: unknown) => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
      this.noteContact(name, e);
    });
    return ctx;
  }

  /** Close a remote host's connections and drop it; the next `get` opens it afresh from the config. */
  forget(name: string): void {
    this.contacts.delete(name);
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    entry.ctx.then(
      (c) => c.host.dispose(),
      () => undefined, // never opened: nothing to close
    );
  }

  /** Record how talking to a host just went (list, test, attach): the sidebar shows it. */
  noteContact(name: string, error?: unknown): void {
    const at = new Date().toISOString();
    if (error === undefined) {
      this.contacts.set(name, { status: 'ok', at });
      this.entries.get(name)?.ctx.then(
        (c) => c.host.reached?.(),
        () => undefined,
      );
    } else
      this.contacts.set(name, {
        status: isKeyError(error) ? 'untrusted' : 'unreachable',
        error: toErrorValue(error).message,
        at,
      });
  }

  /** How the last contact with a host went; `unknown` before any. */
  contact(name: string): HostContact {
    return this.contacts.get(name) ?? { status: 'unknown' };
  }

  private async open(name: string): Promise<HostContext> {
    const host = await this.remote!.open(name);
    let socket: string;
    try {
      socket = (await this.remote!.tmuxSocket?.(name)) ?? this.socket(name);
    } catch (e) {
      host.dispose();
      throw e;
    }
    let home: string | undefined;
    return {
      host,
      tmux: new Tmux(host, socket),
      home: async () => (home ??= posix.join(await host.homeDir(), '.orchard')),
    };
  }

  dispose(): void {
    for (const name of [...this.entries.keys()]) this.forget(name);
    this.local.dispose();
  }
}
