// The port forwards this window's Orchard process runs (an SSH session's dev server on this
// machine's 127.0.0.1), with Open and Stop. Read every few seconds while the Sessions view is shown;
// hidden when there are none.
import { useEffect, useState } from 'react';
import type { ForwardInfo } from '../../../shared/api.ts';
import { useStore } from '../state/context.tsx';

const REFRESH_MS = 3000;

export function Forwards() {
  const store = useStore();
  const [list, setList] = useState<ForwardInfo[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const read = () =>
      store.listForwards().then(
        (l) => live && setList(l),
        () => undefined,
      );
    void read();
    const t = setInterval(() => void read(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [store, tick]);
  const forwards = list.filter((f) => !f.direct);
  if (!forwards.length) return null;
  return (
    <section className="forwards" aria-label="Port forwards">
      <h2 className="forwards-title">Port forwards</h2>
      <ul>
        {forwards.map((f) => (
          <li key={f.localPort} className="forward">
            <a href={f.url} target="_blank" rel="noreferrer noopener">
              {f.url}
            </a>
            <span className="muted">
              → {f.host} {f.remoteAddress}:{f.remotePort} · session {f.sessionId}
              {f.connections ? ` · ${f.connections} open` : ''}
            </span>
            <button
              type="button"
              className="btn small danger-ghost"
              aria-label={`Stop the forward on port ${f.localPort}`}
              onClick={() => void store.stopForward(f.localPort).then(() => setTick((x) => x + 1))}
            >
              Stop
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
