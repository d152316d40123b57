// User authentication the way ssh does it: the agent first (SSH_AUTH_SOCK / IdentityAgent), then
// each identity file. An encrypted key asks the front end for its passphrase through a callback;
// the passphrase itself is dropped once the key is decrypted; the decrypted key stays in this
// process's memory (never on disk) so reconnects do not ask again.
import { readFile, stat } from 'node:fs/promises';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import type { SshSettings } from './ssh-config.ts';
import { ssh2 } from './ssh2-lazy.ts';

/** Asks the user for a key's passphrase; null/undefined: the user declined or nobody can be asked. */
export type PassphrasePrompt = (keyFile: string, retry: boolean) => Promise<string | null | undefined>;

export interface AuthDeps {
  askPassphrase?: PassphrasePrompt;
  /** Keys decrypted in this process, by file. */
  unlocked: Map<string, ParsedKey>;
}

type Candidate = { kind: 'agent'; socket: string } | { kind: 'key'; file: string };

async function isSocketOrFile(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const ENCRYPTED = /no passphrase given|bad passphrase|integrity check failed/i;

/** A private key parsed, asking for its passphrase when it is encrypted. Returns a note on failure. */
async function loadKey(file: string, deps: AuthDeps): Promise<ParsedKey | string> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (e) {
    return `${file}: ${(e as Error).message}`;
  }
  const parse = (pass?: string): ParsedKey | Error => {
    const k = ssh2().utils.parseKey(data, pass);
    return Array.isArray(k) ? (k[0] as ParsedKey) : k;
  };
  const unlocked = deps.unlocked.get(file);
  if (unlocked) return unlocked;
  let key = parse();
  if (!(key instanceof Error)) return key;
  if (!ENCRYPTED.test(key.message)) return `${file}: ${key.message}`;
  if (!deps.askPassphrase)
    return `${file} is encrypted and no passphrase can be asked here (add it to ssh-agent with ssh-add, or run in a terminal)`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const pass = await deps.askPassphrase(file, attempt > 0);
    if (pass === null || pass === undefined)
      return `${file} is encrypted and no passphrase was given (add it to ssh-agent with ssh-add, or answer the passphrase prompt)`;
    key = parse(pass);
    if (!(key instanceof Error)) {
      deps.unlocked.set(file, key);
      return key;
    }
  }
  return `${file}: wrong passphrase`;
}

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** What was tried and why keys were skipped, for the error message when everything failed. */
  notes: string[];
}

export async function authPlan(settings: SshSettings, deps: AuthDeps): Promise<AuthPlan> {
  const candidates: Candidate[] = [];
  if (settings.identityAgent && (await isSocketOrFile(settings.identityAgent)))
    candidates.push({ kind: 'agent', socket: settings.identityAgent });
  for (const file of settings.identityFiles)
    if (!candidates.some((c) => c.kind === 'key' && c.file === file) && (await isSocketOrFile(file)))
      candidates.push({ kind: 'key', file });
  const notes: string[] = [];
  let i = 0;
  const username = settings.user;
  const nextMethod = async (): Promise<AnyAuthMethod | false> => {
    while (i < candidates.length) {
      const c = candidates[i++]!;
      if (c.kind === 'agent') {
        notes.push(`agent ${c.socket}`);
        return { type: 'agent', username, agent: c.socket };
      }
      const key = await loadKey(c.file, deps);
      if (typeof key === 'string') {
        notes.push(key);
        continue;
      }
      notes.push(c.file);
      return { type: 'publickey', username, key };
    }
    return false;
  };
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    if (methodsLeft && !methodsLeft.includes('publickey')) {
      notes.push(`server offers only: ${methodsLeft.join(', ')}`);
      next(false as unknown as AnyAuthMethod);
      return;
    }
    nextMethod().then(
      (m) => next(m as AnyAuthMethod),
      () => next(false as unknown as AnyAuthMethod),
    );
  };
  if (!candidates.length) notes.push('no ssh-agent and no identity file found');
  return { handler, notes };
}
