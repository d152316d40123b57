// Composition root for the CLI and the browser-mode server: the same engine the app uses.
import { Engine } from '../core/engine.ts';
import { HostRegistry } from '../core/hosts/registry.ts';
import { SshHostFactory } from '../core/ssh/factory.ts';
import { JsonFileStore } from '../core/store/json-store.ts';
import { orchardHome } from '../core/store/store.ts';

/** Read a line from the terminal without echo; null when there is no terminal or on Ctrl-C. */
export function askSecretOnTty(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  if (!stdin.isTTY || !process.stderr.isTTY) return Promise.resolve(null);
  return new Promise((resolve) => {
    let buf = '';
    const done = (v: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(v);
    };
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(buf);
        if (ch === '\u0003' || ch === '\u0004') return done(null);
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    // Raw (no echo) before the prompt shows: an answer typed right away must not be echoed.
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
    process.stderr.write(prompt);
  });
}

export function createEngine(home = orchardHome()): Engine {
  const store = JsonFileStore.inHome(home);
  // Encrypted keys: ask on the terminal (never stored); without one, auth fails with a clear message.
  const remote = new SshHostFactory(
    store,
    process.stdin.isTTY
      ? {
          askPassphrase: (file, retry) =>
            askSecretOnTty(`${retry ? 'Wrong passphrase. ' : ''}Enter passphrase for key ${file}: `),
        }
      : {},
  );
  return new Engine(store, new HostRegistry(home, { remote }));
}
