// The dev servers a session listens on, as links: "⇢ 5173 vite". A click opens it in the browser
// (an SSH session's port through a forward on this machine's 127.0.0.1).
import type { SessionInfo } from '../../../shared/model.ts';

export interface PortChipsProps {
  session: SessionInfo;
  onOpen: (id: string, port: number) => void;
  /** At most this many chips (tabs have little room). */
  max?: number;
}

export function PortChips({ session, onOpen, max = 3 }: PortChipsProps) {
  const ports = session.ports ?? [];
  if (!ports.length) return null;
  return (
    <span className="port-chips">
      {ports.slice(0, max).map((p) => (
        <button
          key={`${p.address}:${p.port}`}
          type="button"
          className="port-chip"
          title={`${p.command} listens on ${p.address}:${p.port} (pid ${p.pid}) — open in the browser`}
          aria-label={`Open port ${p.port} (${p.command}) of ${session.branch}`}
          onClick={(e) => {
            e.stopPropagation();
            onOpen(session.id, p.port);
          }}
        >
          ⇢ {p.port} {p.command}
        </button>
      ))}
      {ports.length > max && <span className="port-more">+{ports.length - max}</span>}
    </span>
  );
}
