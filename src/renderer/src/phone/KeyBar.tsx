// The keys a phone keyboard lacks, as buttons under the terminal. Each sends raw terminal input
// through the terminal's own stream (xterm's input → terminalInput), exactly as if typed.
import type { TerminalSession } from '../terminal/session.ts';

interface Key {
  label: string;
  name: string;
  data: (appCursor: boolean) => string;
}

export const KEYS: readonly Key[] = [
  { label: 'Esc', name: 'Escape', data: () => '\x1b' },
  { label: 'Tab', name: 'Tab', data: () => '\t' },
  { label: 'Ctrl-C', name: 'Control C', data: () => '\x03' },
  // Arrow keys follow the terminal's cursor-key mode, as a keyboard's would.
  { label: '↑', name: 'Up', data: (app) => (app ? '\x1bOA' : '\x1b[A') },
  { label: '↓', name: 'Down', data: (app) => (app ? '\x1bOB' : '\x1b[B') },
  { label: 'Enter', name: 'Enter', data: () => '\r' },
  { label: '1', name: '1', data: () => '1' },
  { label: '2', name: '2', data: () => '2' },
  { label: '3', name: '3', data: () => '3' },
];

export function KeyBar({ session }: { session: TerminalSession | null }) {
  return (
    <div className="keybar" role="toolbar" aria-label="Terminal keys">
      {KEYS.map((k) => (
        <button
          key={k.label}
          type="button"
          className="keybar-key"
          aria-label={`Send ${k.name}`}
          disabled={!session}
          // Keep the focus (and the soft keyboard) where it is.
          onPointerDown={(e) => e.preventDefault()}
          onClick={() => session?.term.input(k.data(session.term.modes.applicationCursorKeysMode), true)}
        >
          {k.label}
        </button>
      ))}
    </div>
  );
}
