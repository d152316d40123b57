// Worktree sizes for the session cards: the engine measures them at most once a minute, so the
// cards ask for the latest stats about as often (and only while they are on screen).
import { useEffect, useState } from 'react';
import type { OrchardApi } from '../../../shared/api.ts';

export const DISK_POLL_MS = 60_000;

export function useDiskSizes(api: OrchardApi, active: boolean): Record<string, number> {
  const [sizes, setSizes] = useState<Record<string, number>>({});
  useEffect(() => {
    if (!active) return;
    let live = true;
    const read = () =>
      api.request('stats', {}).then(
        (s) => {
          if (!live) return;
          const next: Record<string, number> = {};
          for (const x of s.sessions) if (x.disk !== undefined) next[x.id] = x.disk;
          setSizes(next);
        },
        () => undefined,
      );
    void read();
    const t = setInterval(() => void read(), DISK_POLL_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [api, active]);
  return sizes;
}
