// Remembered secrets (SSH key passphrases, only when the user asks) exist on disk solely as
// Electron safeStorage ciphertext (OS keychain / DPAPI / libsecret-kwallet key), in their own file.
// Never in config.json or app-state.json, never in plain text: without a real OS-backed key the
// vault refuses to remember anything and the user is asked again next time.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The part of Electron's safeStorage the vault uses (injected, so it is testable). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
  /** Linux only: 'basic_text' means a hard-coded key, i.e. no protection at all. */
  getSelectedStorageBackend?(): string;
}

export class SecretVault {
  private readonly file: string;
  private readonly safe: SafeStorageLike;
  private readonly platform: NodeJS.Platform;

  constructor(file: string, safe: SafeStorageLike, platform: NodeJS.Platform = process.platform) {
    this.file = file;
    this.safe = safe;
    this.platform = platform;
  }

  /** Can secrets be remembered safely on this machine right now? */
  available(): boolean {
    if (!this.safe.isEncryptionAvailable()) return false;
    if (this.platform === 'linux' && this.safe.getSelectedStorageBackend?.() === 'basic_text') return false;
    return true;
  }

  /** Returns false (and stores nothing) when no OS-backed encryption is available. */
  remember(key: string, secret: string): boolean {
    if (!this.available()) return false;
    const all = this.readAll();
    all[key] = this.safe.encryptString(secret).toString('base64');
    this.writeAll(all);
    return true;
  }

  recall(key: string): string | null {
    const blob = this.readAll()[key];
    if (!blob || !this.safe.isEncryptionAvailable()) return null;
    try {
      return this.safe.decryptString(Buffer.from(blob, 'base64'));
    } catch {
      return null; // key changed (new keyring, other user): as if never remembered
    }
  }

  forget(key: string): void {
    const all = this.readAll();
    if (!(key in all)) return;
    delete all[key];
    this.writeAll(all);
  }

  private readAll(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
      return Object.fromEntries(
        Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    } catch {
      return {};
    }
  }

  private writeAll(all: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
