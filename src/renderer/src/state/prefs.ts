// Small per-browser preferences kept in localStorage (theme, renderer, open tabs). A storage that
// throws (privacy mode, quota) must never break the UI, so every access is guarded.
export type Theme = 'dark' | 'light';

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // not persisted; fine
  }
}

export const prefs = {
  theme(): Theme {
    return read('orchard.theme') === 'light' ? 'light' : 'dark';
  },
  setTheme(t: Theme): void {
    write('orchard.theme', t);
  },
  /** 'dom' turns the WebGL renderer off (some GPUs and remote desktops misbehave). */
  renderer(): 'webgl' | 'dom' {
    return read('orchard.renderer') === 'dom' ? 'dom' : 'webgl';
  },
  openTabs(): string[] {
    try {
      const v: unknown = JSON.parse(read('orchard.tabs') ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  },
  setOpenTabs(ids: string[]): void {
    write('orchard.tabs', JSON.stringify(ids));
  },
};
