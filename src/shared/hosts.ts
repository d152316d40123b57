// The contract's payloads for hosts, limits and SSH key passphrases (requests and events in
// api.ts): what `orchard host …` / `orchard limit` do, and the window alike.
import type { HostName, LimitBackend, ResourceLimits } from './model.ts';

/**
 * ok: the last contact worked; unreachable: it did not (down, refused, timed out, tools missing);
 * untrusted: its host key is unknown (trust it) or changed (refused); unknown: not contacted yet.
 */
export type HostStatus = 'ok' | 'unreachable' | 'untrusted' | 'unknown';

export interface HostSummary {
  name: HostName;
  kind: 'local' | 'ssh';
  /** user@host[:port] or the ssh config alias, for ssh hosts. */
  address?: string;
  identity?: string;
  /** How the last contact with the host went (set by every list, test and attach). */
  status?: HostStatus;
  /** Why it is unreachable or untrusted. */
  error?: string;
}

export interface AddHostParams {
  name: HostName;
  /** user@host[:port] (IPv6 in brackets when a port follows); absent: `name` is an ssh config alias. */
  ssh?: string;
  /** Private key file on this machine. */
  identity?: string;
}

export interface HostTestResult {
  name: HostName;
  /** user@hostname:port as resolved (ssh config applied). */
  target: string;
  fingerprint: string;
  tmux: string;
  git: string;
  connectMs: number;
}

/** A host key as a server presented it. */
export interface HostKey {
  /** known_hosts name of the hop that presented it (the host, or a ProxyJump hop before it). */
  host: string;
  keyType: string;
  /** Base64 key blob. */
  key: string;
  /** `SHA256:…`, as `ssh-keygen -lf` shows it. */
  fingerprint: string;
}

export interface HostKeyCheck {
  /** The first key in the chain (jump hosts, then the host) that is not trusted yet, else the host's. */
  key: HostKey;
  /** changed: a different key is on record (`expected`, from `source`): refused, maybe an attack. */
  status: 'trusted' | 'unknown' | 'changed' | 'revoked';
  source?: string;
  expected?: string;
}

export interface TrustHostParams {
  name: HostName;
  /** Only a key with this fingerprint is trusted: the one the user was shown and checked. */
  fingerprint: string;
  /** Replace a key Orchard trusted before (never one from known_hosts). */
  replace?: boolean;
}

export interface TrustHostResult {
  key: HostKey;
  status: 'added' | 'replaced' | 'already-trusted';
}

export interface HostInfo {
  name: HostName;
  limits: { backend: LimitBackend; detail: string };
  tmux: string | null;
  git: string | null;
  /** Admission control: memory a host keeps available besides a new agent, bytes. */
  memoryReserve: number;
  /** Free space a filesystem keeps before a new worktree is refused (src/core/monitor/disk.ts), bytes. */
  diskReserve: number;
}

export interface SetLimitsParams {
  id: string;
  limits: ResourceLimits;
}

export interface SetLimitsResult {
  id: string;
  backend: LimitBackend;
  memory: number | null;
  cpu: number | null;
}

/**
 * The engine needs an SSH key's passphrase (an encrypted key not in ssh-agent) and asks the windows.
 * Answer with `answerPassphrase`; `passphraseDone` says it is settled (by any window, or timed out).
 */
export interface PassphraseRequestEvent {
  id: string;
  /** The private key file, on the machine running the engine. */
  keyFile: string;
  /** The host being connected to, when known. */
  host?: string;
  /** The last passphrase given was wrong. */
  retry: boolean;
  /** The app can keep it in the OS keychain if the user asks (never in browser mode). */
  canRemember: boolean;
}

export interface PassphraseDoneEvent {
  id: string;
  answered: boolean;
}

export interface AnswerPassphraseParams {
  id: string;
  /** null: the user declined (the connection fails with the usual message). */
  passphrase: string | null;
  /** Keep it in the OS keychain (only when the request said canRemember). */
  remember?: boolean;
}
