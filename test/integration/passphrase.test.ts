// The app's passphrase prompt through the contract: an encrypted key not in ssh-agent makes the
// engine push `passphraseRequest` to the windows that listen; the answer (`answerPassphrase`)
// unlocks the key, a wrong one asks again with retry set, and with no window the connection fails
// at once with the usual advice. A real sshd on 127.0.0.1, the real router.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PassphraseRequestEvent, ServerMessage } from '../../src/shared/api.ts';
import { createRouter, type Router } from '../../src/core/rpc/index.ts';
import { connectPassphrases } from '../../src/core/rpc/passphrases.ts';
import { waitFor } from '../helpers/env.ts';
import {
  ENCRYPTED_KEY_PASSPHRASE,
  makeSshd,
  makeSshEnv,
  type Sshd,
  type SshTestEnv,
} from '../helpers/sshd.ts';

let sshd: Sshd;
let e: SshTestEnv;
let router: Router;

beforeAll(async () => {
  sshd = await makeSshd();
  e = await makeSshEnv(sshd);
  writeFileSync(e.configFile, sshd.configBlock(e.hostName).replace(sshd.userKey, sshd.encryptedKey));
  router = createRouter(e.env.engine);
  connectPassphrases(router, e.env.engine);
});

afterAll(async () => {
  router?.dispose();
  await e?.teardown();
  await sshd?.cleanup();
});

function client(id: string) {
  const got: ServerMessage[] = [];
  const conn = router.connect({ id, send: (m) => got.push(structuredClone(m)) });
  let next = 1;
  return {
    got,
    conn,
    asks: () =>
      got.flatMap((m) =>
        m.t === 'evt' && m.ch === 'passphraseRequest' ? [m.p as PassphraseRequestEvent] : [],
      ),
    done: () =>
      got.filter((m) => m.t === 'evt' && m.ch === 'passphraseDone').map((m) => (m as { p: unknown }).p),
    listen: () => conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'passphraseRequest' } }),
    async req(ch: string, p: unknown) {
      const rid = next++;
      await conn.handle({ t: 'req', id: rid, ch, p });
      const r = got.findLast((m) => m.t === 'res' && m.id === rid);
      if (!r || r.t !== 'res') throw new Error(`no reply to ${ch}`);
      return r;
    },
  };
}

test('no window listening: no prompt, a clear failure at once', async () => {
  const c = client('nobody');
  const started = Date.now();
  const r = await c.req('testHost', { name: e.hostName });
  expect(r).toMatchObject({ ok: false });
  expect(JSON.stringify(r)).toMatch(/is encrypted and no passphrase was given.*ssh-add/);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(c.asks()).toEqual([]);
  c.conn.dispose();
});

test('a listening window is asked; a wrong answer asks again with retry; the right one connects', async () => {
  const w = client('window');
  const other = client('other-window');
  await w.listen();
  await other.listen();
  await other.conn.handle({ t: 'send', ch: 'subscribe', p: { event: 'passphraseDone' } });
  const testing = w.req('testHost', { name: e.hostName });

  await waitFor(() => w.asks().length === 1, 10_000, 'the first request');
  const first = w.asks()[0]!;
  expect(first).toMatchObject({
    keyFile: sshd.encryptedKey,
    host: e.hostName,
    retry: false,
    canRemember: false,
  });
  expect(other.asks().map((a) => a.id)).toEqual([first.id]);
  // Bad input is refused by the schema, and answers nothing.
  expect(await w.req('answerPassphrase', { id: 'nope', passphrase: 'x' })).toMatchObject({ ok: false });
  expect(await w.req('answerPassphrase', { id: first.id, passphrase: 'not it' })).toMatchObject({ ok: true });
  await waitFor(() => w.asks().length === 2, 10_000, 'the retry');
  const second = w.asks()[1]!;
  expect(second).toMatchObject({ keyFile: sshd.encryptedKey, retry: true });
  // The other window saw the first one settled (its dialog closes).
  expect(other.done()).toContainEqual({ id: first.id, answered: true });
  // Answered already: a late answer from the other window is refused, not applied.
  expect(await other.req('answerPassphrase', { id: first.id, passphrase: 'x' })).toMatchObject({
    ok: false,
    error: { code: 'invalid-argument' },
  });
  await other.req('answerPassphrase', { id: second.id, passphrase: ENCRYPTED_KEY_PASSPHRASE });
  const r = await testing;
  expect(r).toMatchObject({ ok: true, value: { name: e.hostName, tmux: expect.stringMatching(/^tmux 3/) } });
  // Unlocked for this process: the engine's own connection asks nothing more.
  const { host } = await e.env.engine.hosts.get(e.hostName);
  expect((await host.exec(['echo', 'ok'])).stdout).toBe('ok\n');
  expect(w.asks()).toHaveLength(2);
  w.conn.dispose();
  other.conn.dispose();
});
