// Asking a window for an SSH key's passphrase: the engine (connecting, deep inside ssh2's auth)
// raises a request; the router pushes it as a `passphraseRequest` event to the windows that listen
// (the app's, browser mode's pages); the first `answerPassphrase` settles it and `passphraseDone`
// closes the dialog everywhere. Nobody listening, or nobody answering in time: no passphrase, and
// the connection fails with the usual "key is encrypted" message (ssh-add still works).
import { randomBytes } from 'node:crypto';
import type { PassphraseDoneEvent, PassphraseRequestEvent } from '../../shared/api.ts';
import { OrchardError } from '../../shared/errors.ts';
import { Emitter, type Disposable } from '../util/lifecycle.ts';

/** sshd's LoginGraceTime is 120 s by default: answer before the server hangs up. */
export const PASSPHRASE_TIMEOUT_MS = 100_000;

interface Pending {
  event: PassphraseRequestEvent;
  promise: Promise<string | null>;
  settle(passphrase: string | null, remember: boolean): void;
}

export class PassphraseBroker implements Disposable {
  private readonly requested = new Emitter<PassphraseRequestEvent>();
  private readonly done = new Emitter<PassphraseDoneEvent>();
  readonly onDidRequest = this.requested.event;
  readonly onDidSettle = this.done.event;
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  /** Is a window there to ask? (The router: someone subscribed to `passphraseRequest`.) */
  listening: () => boolean = () => false;
  /** Offer "remember" (the app, with an OS-backed vault), and where a remembered one goes. */
  remember: ((keyFile: string, passphrase: string) => void) | undefined;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.timeoutMs = opts.timeoutMs ?? PASSPHRASE_TIMEOUT_MS;
  }

  /** Requests waiting for an answer (a window that opens late shows them). */
  get open(): PassphraseRequestEvent[] {
    return [...this.pending.values()].map((p) => p.event);
  }

  /** Ask the windows; null when none listens, the user cancels, or nobody answers in time. */
  ask(keyFile: string, retry: boolean, host?: string): Promise<string | null> {
    if (!this.listening()) return Promise.resolve(null);
    // Two hosts on one key at once: one question.
    const same = [...this.pending.values()].find(
      (p) => p.event.keyFile === keyFile && p.event.retry === retry,
    );
    if (same) return same.promise;
    const id = randomBytes(8).toString('hex');
    const event: PassphraseRequestEvent = {
      id,
      keyFile,
      retry,
      canRemember: !!this.remember,
      ...(host ? { host } : {}),
    };
    let settle!: Pending['settle'];
    const promise = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => settle(null, false), this.timeoutMs);
      timer.unref?.();
      settle = (passphrase, remember) => {
        if (!this.pending.has(id)) return;
        clearTimeout(timer);
        this.pending.delete(id);
        if (passphrase !== null && remember) this.remember?.(keyFile, passphrase);
        this.done.fire({ id, answered: passphrase !== null });
        resolve(passphrase);
      };
    });
    this.pending.set(id, { event, promise, settle });
    this.requested.fire(event);
    return promise;
  }

  /** A window's answer; null: the user declined. */
  answer(id: string, passphrase: string | null, remember = false): void {
    const p = this.pending.get(id);
    if (!p)
      throw new OrchardError(
        'invalid-argument',
        'that passphrase request is over (answered elsewhere, or timed out)',
      );
    p.settle(passphrase, remember && !!this.remember);
  }

  dispose(): void {
    for (const p of [...this.pending.values()]) p.settle(null, false);
    this.requested.dispose();
    this.done.dispose();
  }
}
