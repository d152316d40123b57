// Browser mode on a phone-sized screen gets the phone layout (list → full-screen terminal).
import { useSyncExternalStore } from 'react';

export const PHONE_QUERY = '(max-width: 700px)';

function subscribe(l: () => void): () => void {
  const m = window.matchMedia(PHONE_QUERY);
  m.addEventListener('change', l);
  return () => m.removeEventListener('change', l);
}

export function usePhone(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(PHONE_QUERY).matches);
}
