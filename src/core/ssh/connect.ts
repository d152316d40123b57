// One authenticated ssh2 connection for resolved settings: ProxyJump hops through forwardOut (each
// hop's host key checked on its own), host keys judged against known_hosts and the trust store.
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { OrchardError } from '../../shared/errors.ts';
import type { TrustedHostKey } from '../store/store.ts';
import { authPlan, type AuthDeps } from './auth.ts';
import {
  hostKeyError,
  judgeHostKey,
  preferredHostKeyAlgorithms,
  presentedKey,
  readKnownHostsFiles,
  type HostKeyBook,
  type HostKeyVerdict,
  type PresentedKey,
} from './host-keys.ts';
import { knownHostsName } from './known-hosts.ts';
import type { SshSettings } from './ssh-config.ts';
import { resolveHop, type SettingsOptions } from './settings.ts';
import { ssh2 } from './ssh2-lazy.ts';

export interface ConnectDeps extends AuthDeps {
  settingsOptions: SettingsOptions;
  readTrusted(): Promise<TrustedHostKey[]>;
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
}

export interface Connected {
  client: Client;
  /** The key the host presented (and that was accepted). */
  hostKey: PresentedKey;
  /** Ends this connection and every hop under it. */
  end(): void;
}

const MAX_HOPS = 8;

function target(s: SshSettings): string {
  return `${s.user}@${s.hostname}:${s.port}`;
}

export function keyName(s: SshSettings): string {
  return s.hostKeyAlias ?? knownHostsName(s.hostname, s.port);
}

function mapError(
  e: Error & { level?: string; code?: unknown },
  label: string,
  s: SshSettings,
  authNotes: string[],
): OrchardError {
  if (e instanceof OrchardError) return e;
  if (e.level === 'client-authentication')
    return new OrchardError(
      'auth-failed',
      `authentication to ${label} (${target(s)}) failed; tried: ${authNotes.join('; ') || 'nothing'}`,
    );
  const why = e.level === 'client-timeout' ? 'timed out' : e.message;
  return new OrchardError('host-unreachable', `cannot reach ${label} (${s.hostname}:${s.port}): ${why}`);
}

function forwardOut(jump: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, host, port, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

/** The byte stream to the host: a TCP socket (ssh2 opens it), or a channel through the jump hosts. */
async function transport(
  s: SshSettings,
  deps: ConnectDeps,
  depth: number,
): Promise<{ sock?: Duplex; jump?: Connected }> {
  if (s.proxyCommand)
    throw new OrchardError(
      'invalid-argument',
      `${s.alias} uses ProxyCommand, which Orchard does not run; use ProxyJump instead`,
    );
  if (!s.proxyJump.length) return {};
  if (depth >= MAX_HOPS)
    throw new OrchardError('invalid-argument', `ProxyJump chain for ${s.alias} is too long`);
  const hops = s.proxyJump;
  const hop = await resolveHop(hops[hops.length - 1]!, deps.settingsOptions);
  // `-J a,b`: b is reached through a; a lone hop keeps its own ProxyJump from the config.
  if (hops.length > 1) hop.proxyJump = hops.slice(0, -1);
  const jump = await connectSsh(hop.alias, hop, deps, depth + 1);
  try {
    return { sock: await forwardOut(jump.client, s.hostname, s.port), jump };
  } catch (e) {
    jump.end();
    throw new OrchardError(
      'host-unreachable',
      `cannot reach ${s.alias} (${s.hostname}:${s.port}) through ${hop.alias}: ${(e as Error).message}`,
    );
  }
}

async function hostKeyBook(s: SshSettings, deps: ConnectDeps): Promise<HostKeyBook> {
  const [known, trusted] = await Promise.all([readKnownHostsFiles(s.knownHostsFiles), deps.readTrusted()]);
  return { known, trusted };
}

/** Connect, verify, authenticate. `label` names the host in messages (alias or hop). */
export async function connectSsh(
  label: string,
  s: SshSettings,
  deps: ConnectDeps,
  depth = 0,
): Promise<Connected> {
  // Our own handshake timer rather than ssh2's readyTimeout: it stops while a person types a
  // key's passphrase (sshd's LoginGraceTime still bounds that).
  const timeoutMs = s.connectTimeoutMs ?? deps.readyTimeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  let onTimeout = () => {};
  const arm = () => {
    if (!settled) timer = setTimeout(() => onTimeout(), timeoutMs);
  };
  const disarm = () => clearTimeout(timer);
  const ask = deps.askPassphrase;
  const authDeps = {
    ...deps,
    ...(ask
      ? {
          askPassphrase: async (file: string, retry: boolean) => {
            disarm();
            try {
              return await ask(file, retry);
            } finally {
              arm();
            }
          },
        }
      : {}),
  };
  const [book, auth] = await Promise.all([hostKeyBook(s, deps), authPlan(s, authDeps)]);
  const { sock, jump } = await transport(s, deps, depth);
  const name = keyName(s);
  const client = new (ssh2().Client)();
  let refused: OrchardError | null = null;
  let hostKey: PresentedKey | undefined;
  return new Promise<Connected>((resolve, reject) => {
    onTimeout = () => {
      if (settled) return;
      settled = true;
      client.destroy();
      jump?.end();
      reject(
        new OrchardError('host-unreachable', `cannot reach ${label} (${s.hostname}:${s.port}): timed out`),
      );
    };
    arm();
    client.once('ready', () => {
      settled = true;
      disarm();
      // Many small request/response exchanges: Nagle + delayed ACK would add ~40 ms to each.
      if (!sock) client.setNoDelay(true);
      client.on('error', () => {}); // later errors surface as 'close', which the pool watches
      client.once('close', () => jump?.end());
      resolve({ client, hostKey: hostKey!, end: () => (client.end(), jump?.end()) });
    });
    client.on('error', (e: Error) => {
      if (settled) return;
      settled = true;
      disarm();
      client.end();
      jump?.end();
      reject(refused ?? mapError(e, label, s, auth.notes));
    });
    client.once('close', () => {
      if (settled) return;
      settled = true;
      disarm();
      jump?.end();
      reject(
        refused ??
          new OrchardError('host-unreachable', `connection to ${label} (${s.hostname}:${s.port}) closed`),
      );
    });
    client.connect({
      host: s.hostname,
      port: s.port,
      username: s.user,
      ...(sock ? { sock } : {}),
      readyTimeout: 0,
      keepaliveInterval: deps.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(book, name) as never },
      hostVerifier: (blob: Buffer) => {
        hostKey = presentedKey(name, blob);
        refused = hostKeyError(label, judgeHostKey(book, name, blob), hostKey);
        return refused === null;
      },
      authHandler: auth.handler,
    });
  });
}

export interface ProbeResult {
  key: PresentedKey;
  verdict: HostKeyVerdict;
}

/** The key a host presents and how it is judged, without authenticating (for `orchard host trust`). */
export async function probeHostKey(label: string, s: SshSettings, deps: ConnectDeps): Promise<ProbeResult> {
  const book = await hostKeyBook(s, deps);
  const { sock, jump } = await transport(s, deps, 0);
  const name = keyName(s);
  const client = new (ssh2().Client)();
  return new Promise<ProbeResult>((resolve, reject) => {
    let result: ProbeResult | undefined;
    const done = (e?: Error) => {
      client.end();
      jump?.end();
      if (result) resolve(result);
      else
        reject(
          e ? mapError(e, label, s, []) : new OrchardError('host-unreachable', `${label}: no host key seen`),
        );
    };
    client.on('error', (e: Error) => done(e));
    client.once('close', () => done());
    client.connect({
      host: s.hostname,
      port: s.port,
      username: s.user,
      ...(sock ? { sock } : {}),
      readyTimeout: s.connectTimeoutMs ?? deps.readyTimeoutMs,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(book, name) as never },
      hostVerifier: (blob: Buffer) => {
        result = { key: presentedKey(name, blob), verdict: judgeHostKey(book, name, blob) };
        return false;
      },
      authHandler: (_l, _p, next) => next(false as never),
    });
  });
}
