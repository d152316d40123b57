// Event listeners shared by both transports: dispatch by channel, and server subscriptions counted
// so the server polls only while some component listens (first `on` subscribes, last off
// unsubscribes; a reconnect re-subscribes).
import {
  isSubscribableEvent,
  type ClientEventMap,
  type ClientEventName,
  type SubscribableEvent,
} from '../../../shared/api.ts';

type AnyListener = (payload: never) => void;

export class Listeners {
  private readonly byName = new Map<ClientEventName, Set<AnyListener>>();
  private readonly subscribe: (event: SubscribableEvent, on: boolean) => void;

  constructor(subscribe: (event: SubscribableEvent, on: boolean) => void) {
    this.subscribe = subscribe;
  }

  add<K extends ClientEventName>(name: K, listener: (payload: ClientEventMap[K]) => void): () => void {
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    const fn = listener as AnyListener;
    set.add(fn);
    if (set.size === 1 && isSubscribableEvent(name)) this.subscribe(name, true);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      set.delete(fn);
      if (set.size === 0 && isSubscribableEvent(name)) this.subscribe(name, false);
    };
  }

  fire(name: ClientEventName, payload: unknown): void {
    for (const l of [...(this.byName.get(name) ?? [])]) {
      try {
        (l as (p: unknown) => void)(payload);
      } catch (e) {
        // One broken component must not stop the others from hearing the event.
        console.error(`[orchard] ${name} listener failed`, e);
      }
    }
  }

  /** Server events someone listens to now (re-sent after a reconnect). */
  subscribed(): SubscribableEvent[] {
    return [...this.byName.entries()]
      .filter(([name, set]) => set.size > 0 && isSubscribableEvent(name))
      .map(([name]) => name as SubscribableEvent);
  }
}
