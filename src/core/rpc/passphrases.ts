// The passphrase broker (src/core/ssh/passphrases.ts) wired to a router: its requests go out as
// `passphraseRequest` events to the clients that listen, and a client that starts listening while
// a request is open gets it too (its dialog opens; answers are matched by id, first one wins).
import { SshHostFactory } from '../ssh/factory.ts';
import { DisposableStore, toDisposable, type Disposable } from '../util/lifecycle.ts';
import type { Engine } from '../engine.ts';
import type { Router } from './router.ts';

export function connectPassphrases(router: Router, engine: Engine): Disposable {
  const factory = engine.hosts.remoteFactory;
  if (!(factory instanceof SshHostFactory)) return toDisposable(() => {});
  const broker = factory.passphrases;
  const store = new DisposableStore();
  const listening = () => router.subscriberCount('passphraseRequest') > 0;
  broker.listening = listening;
  store.add(broker.onDidRequest((e) => router.broadcast('passphraseRequest', e)));
  store.add(broker.onDidSettle((e) => router.broadcast('passphraseDone', e)));
  let before = router.subscriberCount('passphraseRequest');
  store.add(
    router.onDidChangeSubscribers((event) => {
      if (event !== 'passphraseRequest') return;
      const now = router.subscriberCount(event);
      if (now > before) for (const e of broker.open) router.broadcast('passphraseRequest', e);
      before = now;
    }),
  );
  store.add(toDisposable(() => (broker.listening = () => false)));
  return store;
}
