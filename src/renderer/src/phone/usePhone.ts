// Browser mode on a phone-sized screen gets the phone layout (list → full-screen terminal).
import { useSyncExternalStore } from 'react';

export const PHONE_QUERY = '(max-width: 700px)';

/** null where the page has no media queries at all (an old embedded view, a test DOM): not a phone. */
const query = (): MediaQueryList | null =>
  typeof window.matchMedia === 'function' ? window.matchMedia(PHONE_QUERY) : null;

function subscribe(l: () => void): () => void {
  const m = query();
  m?.addEventListener('change', l);
  return () => m?.removeEventListener('change', l);
}

export function usePhone(): boolean {
  return useSyncExternalStore(subscribe, () => query()?.matches ?? false);
}
