// The registry keeps a remote host's connection only while its config says the same; how the last
// contact went becomes the host's status (the sidebar's marks).
import { expect, test } from 'vitest';
import { OrchardError } from '../../src/shared/errors.ts';
import type { Host } from '../../src/core/hosts/host.ts';
import { HostRegistry, type RemoteHostFactory } from '../../src/core/hosts/registry.ts';

function fakeRemote() {
  const config = new Map<string, string>([['box', 'a']]);
  const opened: Array<{ name: string; key: string; disposed: boolean }> = [];
  const remote: RemoteHostFactory = {
    names: async () => [...config.keys()],
    configKey: async (name) => config.get(name),
    open: async (name) => {
      const rec = { name, key: config.get(name)!, disposed: false };
      opened.push(rec);
      return { name, dispose: () => (rec.disposed = true) } as unknown as Host;
    },
  };
  return { config, opened, remote };
}

test('same config: the same host; changed or removed: the old one is disposed', async () => {
  const f = fakeRemote();
  const reg = new HostRegistry('/tmp/orchard-unused', { remote: f.remote, tmuxSocket: 's' });
  const one = await reg.get('box');
  expect(await reg.get('box')).toBe(one);
  expect(f.opened).toHaveLength(1);
  f.config.set('box', 'b');
  const two = await reg.get('box');
  expect(two).not.toBe(one);
  expect(f.opened.map((o) => [o.key, o.disposed])).toEqual([
    ['a', true],
    ['b', false],
  ]);
  f.config.delete('box');
  expect(await reg.names()).toEqual(['local']);
  expect(f.opened[1]!.disposed).toBe(true);
  await expect(reg.get('box')).rejects.toMatchObject({ code: 'host-not-found' });
  reg.dispose();
});

test('contact: ok, unreachable with its reason, untrusted for a key problem; forgotten with the host', () => {
  const reg = new HostRegistry('/tmp/orchard-unused', { remote: fakeRemote().remote, tmuxSocket: 's' });
  expect(reg.contact('box')).toEqual({ status: 'unknown' });
  reg.noteContact('box');
  expect(reg.contact('box').status).toBe('ok');
  reg.noteContact('box', new OrchardError('host-unreachable', 'box: timed out'));
  expect(reg.contact('box')).toMatchObject({ status: 'unreachable', error: 'box: timed out' });
  reg.noteContact('box', new OrchardError('host-key-unknown', 'host key of box is not known'));
  expect(reg.contact('box').status).toBe('untrusted');
  reg.noteContact('box', new OrchardError('host-key-changed', 'CHANGED'));
  expect(reg.contact('box').status).toBe('untrusted');
  reg.forget('box');
  expect(reg.contact('box')).toEqual({ status: 'unknown' });
  reg.dispose();
});
