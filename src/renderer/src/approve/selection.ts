// Which sessions are selected in Sessions (for Approve all / Deny all / Send to selected): a tiny
// external store, so the cards' checkboxes and the bar above them share it without prop threading.
import { useSyncExternalStore } from 'react';

let selected: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();

function set(next: ReadonlySet<string>): void {
  selected = next;
  for (const l of listeners) l();
}

export const selection = {
  get: (): ReadonlySet<string> => selected,
  toggle(id: string, on: boolean): void {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    set(next);
  },
  replace: (ids: Iterable<string>): void => set(new Set(ids)),
  clear: (): void => set(new Set()),
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export function useSelection(): ReadonlySet<string> {
  return useSyncExternalStore(selection.subscribe, selection.get);
}
