// The passphrase broker: asks only when a window listens, one question per key, first answer wins,
// a timeout or a cancel is "no passphrase"; the app's vault remembers only on the user's word.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { PassphraseDoneEvent, PassphraseRequestEvent } from '../../src/shared/api.ts';
import { PassphraseBroker } from '../../src/core/ssh/passphrases.ts';
import { SshHostFactory } from '../../src/core/ssh/factory.ts';
import { createAppEngine, passphraseKey } from '../../src/main/config-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function broker(opts: { timeoutMs?: number } = {}) {
  const b = new PassphraseBroker(opts);
  const asked: PassphraseRequestEvent[] = [];
  const done: PassphraseDoneEvent[] = [];
  b.onDidRequest((e) => asked.push(e));
  b.onDidSettle((e) => done.push(e));
  return { b, asked, done };
}

test('nobody listening: null at once, nothing asked', async () => {
  const { b, asked } = broker();
  expect(await b.ask('/k', false)).toBeNull();
  expect(asked).toEqual([]);
});

test('one question per key; the first answer wins; a late one is refused', async () => {
  const { b, asked, done } = broker();
  b.listening = () => true;
  const one = b.ask('/k', false, 'a');
  const two = b.ask('/k', false, 'b');
  expect(asked).toHaveLength(1);
  expect(asked[0]).toMatchObject({ keyFile: '/k', host: 'a', retry: false, canRemember: false });
  expect(b.open.map((e) => e.id)).toEqual([asked[0]!.id]);
  b.answer(asked[0]!.id, 'pw');
  expect(await one).toBe('pw');
  expect(await two).toBe('pw');
  expect(done).toEqual([{ id: asked[0]!.id, answered: true }]);
  expect(() => b.answer(asked[0]!.id, 'again')).toThrow(/over/);
  expect(b.open).toEqual([]);
});

test('cancel and timeout are "no passphrase"; dispose settles what is open', async () => {
  const { b, asked, done } = broker({ timeoutMs: 50 });
  b.listening = () => true;
  const cancelled = b.ask('/k', false);
  b.answer(asked[0]!.id, null);
  expect(await cancelled).toBeNull();
  expect(await b.ask('/k2', false)).toBeNull(); // nobody answers within 50 ms
  expect(done.map((d) => d.answered)).toEqual([false, false]);
  const open = b.ask('/k3', true);
  b.dispose();
  expect(await open).toBeNull();
});

test('the app: the vault remembers only when asked to, and only with an OS-backed key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-pp-'));
  dirs.push(dir);
  const kept = new Map<string, string>();
  const vault = {
    available: () => true,
    remember: (k: string, v: string) => (kept.set(k, v), true),
    recall: (k: string) => kept.get(k) ?? null,
    forget: (k: string) => void kept.delete(k),
  };
  const engine = createAppEngine(dir, vault);
  try {
    const b = (engine.hosts.remoteFactory as SshHostFactory).passphrases;
    const asked: PassphraseRequestEvent[] = [];
    b.onDidRequest((e) => asked.push(e));
    b.listening = () => true;
    const p1 = b.ask('/k', false);
    expect(asked[0]!.canRemember).toBe(true);
    b.answer(asked[0]!.id, 'not kept');
    await p1;
    expect(kept.size).toBe(0);
    const p2 = b.ask('/k', false);
    b.answer(asked[1]!.id, 'kept', true);
    await p2;
    expect(kept.get(passphraseKey('/k'))).toBe('kept');
  } finally {
    engine.dispose();
  }
  const none = createAppEngine(dir, { ...vault, available: () => false });
  try {
    expect((none.hosts.remoteFactory as SshHostFactory).passphrases.remember).toBeUndefined();
  } finally {
    none.dispose();
  }
});
