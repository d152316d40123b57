// The React face of a TerminalSession: mounts it once, keeps it alive while the tab exists (hidden
// when inactive), fits it to the panel on resize (debounced), and shows search and status.
import { useEffect, useRef, useState } from 'react';
import type { OrchardApi } from '../../../shared/api.ts';
import type { Theme } from '../state/prefs.ts';
import type { TerminalRegistry } from './registry.ts';
import { SearchBar } from './SearchBar.tsx';
import { TerminalSession, type TerminalStatus } from './session.ts';

export interface TerminalViewProps {
  api: OrchardApi;
  registry: TerminalRegistry;
  sessionId: string;
  active: boolean;
  /**
   * The session is listed and running. A terminal that closed because its tmux session or server
   * went away re-attaches by itself when this turns true again (the session is back).
   */
  alive?: boolean;
  theme: Theme;
  /** Changes each time the user asks for search (Ctrl/Cmd+Shift+F); the active tab opens its search. */
  searchSignal: number;
  onSize?: (cols: number, rows: number) => void;
}

const RESIZE_DEBOUNCE_MS = 60;

/** Ends after which the terminal follows its session back by itself; a detach was someone's choice. */
const COMES_BACK: ReadonlySet<string> = new Set(['tmux-exited', 'session-killed', 'host-unreachable']);

export function TerminalView(p: TerminalViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const [session, setSession] = useState<TerminalSession | null>(null);
  const [status, setStatus] = useState<TerminalStatus>({ kind: 'connecting' });
  const [searching, setSearching] = useState(false);
  const onSize = useRef(p.onSize);
  onSize.current = p.onSize;

  useEffect(() => {
    const s = new TerminalSession({
      api: p.api,
      registry: p.registry,
      sessionId: p.sessionId,
      theme: p.theme,
      onStatus: setStatus,
      onSize: (c, r) => onSize.current?.(c, r),
    });
    s.open(host.current!);
    setSession(s);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ro = new ResizeObserver(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => s.fitNow(), RESIZE_DEBOUNCE_MS);
    });
    ro.observe(host.current!);
    return () => {
      if (timer) clearTimeout(timer);
      ro.disconnect();
      s.dispose();
    };
    // One terminal per mounted view: the session id of a tab never changes.
  }, [p.api, p.registry, p.sessionId]);

  useEffect(() => {
    if (!session) return;
    session.setVisible(p.active);
    if (p.active) session.focus();
  }, [session, p.active]);

  useEffect(() => session?.setTheme(p.theme), [session, p.theme]);

  // Only a change to alive counts: right after an end the list may still show the session.
  const wasAlive = useRef(p.alive);
  useEffect(() => {
    const before = wasAlive.current;
    wasAlive.current = p.alive;
    if (!session || !p.alive || before !== false) return;
    const s = session.status;
    if (s.kind === 'closed' && s.reason && COMES_BACK.has(s.reason)) void session.attach();
  }, [session, p.alive]);

  // Open search when the signal changes while this tab is shown (not for requests made before it
  // was mounted).
  const seenSignal = useRef(p.searchSignal);
  useEffect(() => {
    if (p.searchSignal === seenSignal.current) return;
    seenSignal.current = p.searchSignal;
    if (p.active) setSearching(true);
  }, [p.searchSignal, p.active]);

  return (
    <div
      className={
        status.kind === 'attached' || status.kind === 'connecting' ? 'terminal-wrap' : 'terminal-wrap away'
      }
    >
      {searching && session && (
        <SearchBar
          search={session.search}
          onClose={() => {
            setSearching(false);
            session.focus();
          }}
        />
      )}
      <div className="terminal-host" ref={host} />
      {status.kind === 'connecting' && p.active && (
        <div className="terminal-status" role="status">
          <span className="spinner" aria-hidden="true" /> Attaching…
          <Refused n={status.refused} />
        </div>
      )}
      {status.kind === 'reconnecting' && (
        <div className="terminal-status away" role="status">
          <span className="spinner" aria-hidden="true" />
          <span>
            <strong>Not connected:</strong> {status.message}
          </span>
          <Refused n={status.refused} />
        </div>
      )}
      {status.kind === 'closed' && (
        <div className="terminal-status closed" role="status">
          <span>
            <strong>Not connected.</strong> {status.message}
          </span>
          <Refused n={status.refused} />
          <button type="button" className="btn small" onClick={() => void session?.attach()}>
            Reattach
          </button>
        </div>
      )}
    </div>
  );
}

/** Keystrokes typed while not connected: not sent, and the user is told (keyed so it flashes anew). */
function Refused({ n }: { n: number | undefined }) {
  if (!n) return null;
  return (
    <span key={n} className="refused" role="alert">
      {n === 1 ? '1 keystroke' : `${n} keystrokes`} not sent
    </span>
  );
}
