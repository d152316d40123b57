// The app and the `orchard` CLI share ONE configuration (repos, hosts, profiles, preferences): the
// JSON file <ORCHARD_HOME>/config.json, read and written through core's JsonFileStore.
//
// Why JsonFileStore on the same path rather than an electron-store adapter over that file:
// - one writer implementation for one file: the CLI and a browser-mode server write it too, with
//   the same atomic temp-file + rename and the same tolerant reader, so the three cannot disagree
//   about format, defaults or validation;
// - electron-store (conf) keeps its own view of the file, fills in defaults and schema on open, and
//   watches for changes only when asked: a `orchard repo add` while the app runs would race it;
//   JsonFileStore reads the file on every read, so CLI edits show up in the app at once.
// electron-store is still used for what only the app has: window bounds, open tabs, shell settings
// (app-store.ts, a different file in the same folder).
//
// The folder: ORCHARD_HOME when set, else the platform's config folder for "Orchard" — which is what
// Electron calls userData for an app named Orchard. index.ts sets userData to exactly this folder
// (so a dev run, whose package name is "orchard", and ORCHARD_HOME both land in the same place).
import { Engine } from '../core/engine.ts';
import { HostRegistry } from '../core/hosts/registry.ts';
import type { PassphrasePrompt } from '../core/ssh/auth.ts';
import { SshHostFactory } from '../core/ssh/factory.ts';
import { JsonFileStore } from '../core/store/json-store.ts';
import { orchardHome } from '../core/store/store.ts';

export function appHome(env: NodeJS.ProcessEnv = process.env): string {
  return orchardHome(env);
}

/** What the app keeps key passphrases in (secrets.ts's SecretVault). */
export interface PassphraseVault {
  available(): boolean;
  remember(key: string, secret: string): boolean;
  recall(key: string): string | null;
  forget(key: string): void;
}

/**
 * The engine the app runs: the shared config, local tmux, and SSH hosts like the CLI's. An encrypted
 * key's passphrase: the one remembered in the vault, else the window asks (a `passphraseRequest`,
 * src/core/ssh/passphrases.ts), offering to remember it when the vault has an OS-backed key.
 */
export function createAppEngine(home: string, vault?: PassphraseVault): Engine {
  const store = JsonFileStore.inHome(home);
  const remote = new SshHostFactory(store, vault ? { recallPassphrase: rememberedPassphrases(vault) } : {});
  if (vault?.available())
    remote.passphrases.remember = (file, pass) => void vault.remember(passphraseKey(file), pass);
  const engine = new Engine(store, new HostRegistry(home, { remote }));
  engine.processKind = 'app';
  return engine;
}

/** The vault's key for an SSH identity file's passphrase. */
export const passphraseKey = (keyFile: string): string => `ssh-key-passphrase:${keyFile}`;

/**
 * Encrypted SSH keys in the app: a passphrase the user chose to remember (safeStorage only) is
 * offered once; if it no longer works it is forgotten, and the window asks instead.
 */
export function rememberedPassphrases(vault: {
  recall(key: string): string | null;
  forget(key: string): void;
}): PassphrasePrompt {
  return async (keyFile, retry) => {
    if (retry) {
      vault.forget(passphraseKey(keyFile));
      return null;
    }
    return vault.recall(passphraseKey(keyFile));
  };
}
