// Hosts by name, each with its tmux server and Orchard's folder on that host.
import { posix } from 'node:path';
import { OrchardError } from '../../shared/errors.ts';
import { LOCAL_HOST } from '../../shared/model.ts';
import { Tmux, tmuxSocketName } from '../tmux/tmux.ts';
import { DisposableStore, type Disposable } from '../util/lifecycle.ts';
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

export class HostRegistry implements Disposable {
  private readonly contexts = new Map<string, Promise<HostContext>>();
  private readonly disposables = new DisposableStore();

  private readonly localHome: string;
  private readonly remote: RemoteHostFactory | undefined;
  private readonly local: Host;
  private readonly socket: (host: string) => string;

  constructor(localHome: string, opts: HostRegistryOptions = {}) {
    this.localHome = localHome;
    this.remote = opts.remote;
    this.local = opts.local ?? new LocalHost();
    const s = opts.tmuxSocket ?? tmuxSocketName();
    this.socket = typeof s === 'function' ? s : () => s;
    this.disposables.add(this.local);
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

  async names(): Promise<string[]> {
    return [LOCAL_HOST, ...((await this.remote?.names()) ?? [])];
  }

  get(name: string): Promise<HostContext> {
    let ctx = this.contexts.get(name);
    if (!ctx) {
      ctx = this.open(name);
      this.contexts.set(name, ctx);
      ctx.catch(() => this.contexts.delete(name));
    }
    return ctx;
  }

  private async open(name: string): Promise<HostContext> {
    if (name === LOCAL_HOST) {
      const home = this.localHome;
      return { host: this.local, tmux: new Tmux(this.local, this.socket(name)), home: async () => home };
    }
    if (!this.remote) throw new OrchardError('host-not-found', `unknown host: ${name}`);
    const host = await this.remote.open(name);
    this.disposables.add(host);
    const socket = (await this.remote.tmuxSocket?.(name)) ?? this.socket(name);
    let home: string | undefined;
    return {
      host,
      tmux: new Tmux(host, socket),
      home: async () => (home ??= posix.join(await host.homeDir(), '.orchard')),
    };
  }

  dispose(): void {
    this.contexts.clear();
    this.disposables.dispose();
  }
}
