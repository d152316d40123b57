// What a screen model says about an agent's screen. The same shape as ScreenVerdict of the screen
// check (src/core/status/patterns.ts on the status branch), kept here so the per-agent models stand
// alone; TypeScript's structural typing makes the two interchangeable.
export type ScreenVerdict =
  | { state: 'working'; detail?: string }
  | { state: 'idle' }
  | { state: 'waiting'; reason: 'permission' | 'question' | 'setup' | 'input'; detail?: string }
  /** The screen matches nothing the model knows: a stale verdict is cleared, never kept. */
  | { state: 'unknown' };

/** A screen model: judges one visible screen (tmux capture-pane without -e) of one agent. */
export type ScreenModel = (screen: string) => ScreenVerdict;

export const UNKNOWN: ScreenVerdict = { state: 'unknown' };

/** The screen's lines, right-trimmed, without the blank lines at the bottom. */
export function screenLines(screen: string): string[] {
  const lines = screen.split('\n').map((l) => l.replace(/\s+$/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines joined with single spaces: a phrase wrapped at 60 columns reads like one at 200. */
export function squeeze(lines: readonly string[]): string {
  return lines
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ');
}

/** Cut a detail to what the UI shows (one line, 200 characters). */
export function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 199)}…` : one;
}

export function waiting(
  reason: 'permission' | 'question' | 'setup' | 'input',
  detail: string | undefined,
): ScreenVerdict {
  const d = detail ? clip(detail) : '';
  return d ? { state: 'waiting', reason, detail: d } : { state: 'waiting', reason };
}
