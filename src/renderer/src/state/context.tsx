// React access to the Store: one instance per window, provided at the root.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AppState, Store } from './store.ts';

export const StoreContext = createContext<Store | null>(null);

export function useStore(): Store {
  const s = useContext(StoreContext);
  if (!s) throw new Error('useStore outside <StoreContext.Provider>');
  return s;
}

export function useAppState(): AppState {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}
