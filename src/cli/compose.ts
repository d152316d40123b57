// Composition root for the CLI and the browser-mode server: the same engine the app uses.
import { Engine } from '../core/engine.ts';
import { HostRegistry } from '../core/hosts/registry.ts';
import { JsonFileStore } from '../core/store/json-store.ts';
import { orchardHome } from '../core/store/store.ts';

export function createEngine(home = orchardHome()): Engine {
  const store = JsonFileStore.inHome(home);
  return new Engine(store, new HostRegistry(home));
}
