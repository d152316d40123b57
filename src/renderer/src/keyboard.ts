// Window shortcuts. The terminal lets these through (attachCustomKeyEventHandler returns false for
// them) so they work while a terminal has the focus.
export type Shortcut =
  | { kind: 'tab'; index: number }
  | { kind: 'cycle'; step: 1 | -1 }
  | { kind: 'new-session' }
  | { kind: 'search' };

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function shortcutOf(e: KeyboardEvent): Shortcut | null {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  if (e.ctrlKey && e.key === 'Tab') return { kind: 'cycle', step: e.shiftKey ? -1 : 1 };
  if (!mod || e.altKey) return null;
  if (!e.shiftKey && /^Digit[1-9]$/.test(e.code)) return { kind: 'tab', index: Number(e.code.slice(5)) - 1 };
  if (e.shiftKey && e.code === 'KeyT') return { kind: 'new-session' };
  if (e.shiftKey && e.code === 'KeyF') return { kind: 'search' };
  return null;
}
