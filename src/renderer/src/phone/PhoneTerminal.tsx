// One session full screen on a phone: a header (back, branch, state), the Approve / Deny bar while
// it waits for permission, the terminal, and the key bar.
import { useEffect, useRef, useState } from 'react';
import type { OrchardApi } from '../../../shared/api.ts';
import type { SessionInfo } from '../../../shared/model.ts';
import { ApproveButtons, waitsForPermission } from '../approve/ApproveButtons.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import type { Theme } from '../state/prefs.ts';
import type { TerminalRegistry } from '../terminal/registry.ts';
import { TerminalSession, type TerminalStatus } from '../terminal/session.ts';
import { KeyBar } from './KeyBar.tsx';

export interface PhoneTerminalProps {
  api: OrchardApi;
  registry: TerminalRegistry;
  session: SessionInfo;
  theme: Theme;
  onBack: () => void;
}

export function PhoneTerminal(p: PhoneTerminalProps) {
  const host = useRef<HTMLDivElement>(null);
  const [term, setTerm] = useState<TerminalSession | null>(null);
  const [status, setStatus] = useState<TerminalStatus>({ kind: 'connecting' });
  const id = p.session.id;

  useEffect(() => {
    const s = new TerminalSession({
      api: p.api,
      registry: p.registry,
      sessionId: id,
      theme: p.theme,
      onStatus: setStatus,
    });
    s.open(host.current!);
    s.setVisible(true);
    setTerm(s);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ro = new ResizeObserver(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => s.fitNow(), 60);
    });
    ro.observe(host.current!);
    return () => {
      if (timer) clearTimeout(timer);
      ro.disconnect();
      s.dispose();
    };
    // One terminal per session shown; the theme is applied below.
  }, [p.api, p.registry, id]);

  useEffect(() => term?.setTheme(p.theme), [term, p.theme]);

  const s = p.session;
  return (
    <section className="phone-term" aria-label={`Terminal ${s.branch}`}>
      <header className="phone-head">
        <button type="button" className="btn small" aria-label="Back to sessions" onClick={p.onBack}>
          ‹ Sessions
        </button>
        <span className="phone-title ellipsis">{s.branch}</span>
        <StateBadge session={s} compact />
      </header>
      {s.state === 'waiting' && (
        <div className="phone-why">
          {waitsForPermission(s) ? (
            <ApproveButtons session={s} />
          ) : (
            <span className="phone-reason">{[s.reason, s.detail].filter(Boolean).join(': ')}</span>
          )}
        </div>
      )}
      <div className="phone-term-host" ref={host} />
      {status.kind !== 'attached' && (
        <div className="terminal-status" role="status">
          {status.kind === 'connecting' ? 'Attaching…' : status.message}
          {status.kind === 'closed' && (
            <button type="button" className="btn small" onClick={() => void term?.attach()}>
              Reattach
            </button>
          )}
        </div>
      )}
      <KeyBar session={status.kind === 'attached' ? term : null} />
    </section>
  );
}
