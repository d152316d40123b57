// The router's side of the fleet monitor (src/core/status/fleet-monitor.ts): session lists and
// state transitions pushed to the clients that subscribed (the monitor publishes a list only when
// something a user sees changed), and stats sampled only while a client subscribes to them.
// Duck-typed on the router so the wiring reads in one place.
import type { EventMap, SubscribableEvent } from '../../shared/api.ts';
import type { FleetMonitor } from '../status/fleet-monitor.ts';
import { DisposableStore, type Disposable } from '../util/lifecycle.ts';

export interface MonitorClients {
  onDidChangeSubscribers: (l: (e: SubscribableEvent) => void) => Disposable;
  subscriberCount(e: SubscribableEvent): number;
  broadcast<K extends SubscribableEvent>(e: K, p: EventMap[K]): void;
}

export function connectMonitor(router: MonitorClients, monitor: FleetMonitor): Disposable {
  const store = new DisposableStore();
  store.add(monitor.onDidChangeSessions((list) => router.broadcast('sessionsChanged', list)));
  store.add(monitor.onDidChangeState((e) => router.broadcast('sessionState', e)));
  store.add(monitor.stats.onDidSample((s) => router.broadcast('stats', s)));
  let held: Disposable | undefined;
  store.add(
    router.onDidChangeSubscribers((e) => {
      if (e !== 'stats') return;
      const n = router.subscriberCount('stats');
      if (n > 0 && !held) held = monitor.stats.retain();
      if (n === 0 && held) {
        held.dispose();
        held = undefined;
      }
    }),
  );
  store.add({ dispose: () => held?.dispose() });
  return store;
}
