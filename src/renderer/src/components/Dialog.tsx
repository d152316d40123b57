// A modal dialog: labelled, Escape closes, focus moves in on open and back out on close, Tab stays
// inside. Built on a plain element rather than <dialog> so it behaves the same in jsdom and Chromium.
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { CloseIcon } from './icons.tsx';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  /** Blocks Escape and backdrop clicks while something runs. */
  busy?: boolean;
  className?: string;
  /** When given, body and footer form one <form>: Enter submits. */
  onSubmit?: () => void;
}

const FOCUSABLE = 'input, select, textarea, button, [href], [tabindex]:not([tabindex="-1"])';

export function Dialog({ title, onClose, children, footer, busy, className, onSubmit }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);

  const focusFirst = () =>
    (
      ref.current?.querySelector<HTMLElement>('[data-autofocus]:not(:disabled)') ??
      ref.current?.querySelector<HTMLElement>(`:is(${FOCUSABLE}):not(:disabled)`)
    )?.focus();

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    focusFirst();
    return () => before?.focus?.();
  }, []);

  // Fields are disabled while a request runs, which drops the focus to <body>: bring it back.
  useEffect(() => {
    if (!busy && !ref.current?.contains(document.activeElement)) focusFirst();
  }, [busy]);

  // Escape is heard on the document: the focus may be on <body> (see above) or in a terminal.
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    if (busy) return;
    const onEscape = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onCloseRef.current();
    };
    document.addEventListener('keydown', onEscape, true);
    return () => document.removeEventListener('keydown', onEscape, true);
  }, [busy]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const all = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (el) => !(el as HTMLButtonElement).disabled,
    );
    const first = all[0];
    const last = all[all.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    }
  };

  return (
    <div
      className="backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget && !busy) onClose();
      }}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-busy={busy || undefined}
        className={`dialog ${className ?? ''}`}
        ref={ref}
        onKeyDown={onKeyDown}
      >
        <header className="dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="icon-btn"
            aria-label="Close dialog"
            onClick={onClose}
            disabled={busy}
          >
            <CloseIcon />
          </button>
        </header>
        {onSubmit ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!busy) onSubmit();
            }}
          >
            <div className="dialog-body">{children}</div>
            {footer && <footer className="dialog-foot">{footer}</footer>}
          </form>
        ) : (
          <>
            <div className="dialog-body">{children}</div>
            {footer && <footer className="dialog-foot">{footer}</footer>}
          </>
        )}
      </div>
    </div>
  );
}

export function ErrorNote({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="error-note">
      {error}
    </p>
  );
}
