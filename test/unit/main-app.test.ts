// The composition root's start-up: one instance only (a second launch focuses the first), every
// renderer sandboxed, userData = the CLI's ORCHARD_HOME, quitting disposes without stopping agents.
// `electron` and the app class are stubbed.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  lock: true,
  calls: [] as string[],
  handlers: new Map<string, (...a: unknown[]) => void>(),
  paths: new Map<string, string>(),
  ready: undefined as undefined | (() => void),
  apps: [] as {
    home: string;
    show: ReturnType<typeof vi.fn>;
    start: ReturnType<typeof vi.fn>;
    dispose: ReturnType<typeof vi.fn>;
  }[],
}));

vi.mock('electron', () => ({
  app: {
    setName: (n: string) => h.calls.push(`setName:${n}`),
    enableSandbox: () => h.calls.push('enableSandbox'),
    setPath: (k: string, v: string) => h.paths.set(k, v),
    requestSingleInstanceLock: () => h.lock,
    quit: () => h.calls.push('quit'),
    exit: (c: number) => h.calls.push(`exit:${c}`),
    on: (ev: string, fn: (...a: unknown[]) => void) => h.handlers.set(ev, fn),
    whenReady: () => new Promise<void>((resolve) => (h.ready = resolve)),
  },
}));

vi.mock('../../src/main/orchard-app.ts', () => ({
  OrchardApp: class {
    readonly show = vi.fn();
    readonly start = vi.fn();
    readonly dispose = vi.fn();
    readonly home: string;
    constructor(home: string) {
      this.home = home;
      h.apps.push(this);
    }
  },
}));

const HOME = '/tmp/orchard-home-for-test';
beforeEach(() => {
  vi.resetModules();
  vi.stubEnv('ORCHARD_HOME', HOME);
  h.calls.length = 0;
  h.handlers.clear();
  h.paths.clear();
  h.apps.length = 0;
  h.ready = undefined;
});
afterEach(() => vi.unstubAllEnvs());

describe('main entry', () => {
  it('a second instance quits at once and never starts', async () => {
    h.lock = false;
    await import('../../src/main/index.ts');
    expect(h.calls).toContain('quit');
    expect(h.ready).toBeUndefined();
    expect(h.handlers.size).toBe(0);
  });

  it('the first instance sandboxes every renderer, uses ORCHARD_HOME as userData, and comes forward on a second launch', async () => {
    h.lock = true;
    await import('../../src/main/index.ts');
    expect(h.calls).toEqual(['setName:Orchard', 'enableSandbox']);
    expect(h.paths.get('userData')).toBe(HOME);
    expect(h.paths.get('sessionData')).toBe(join(HOME, 'chromium'));
    h.ready!();
    await vi.waitFor(() => expect(h.apps).toHaveLength(1));
    const app = h.apps[0]!;
    expect(app.home).toBe(HOME);
    expect(app.start).toHaveBeenCalledTimes(1);
    h.handlers.get('second-instance')!();
    expect(app.show).toHaveBeenCalledTimes(1);
    // Quit: the app is disposed (terminals detached); nothing here kills a session.
    h.handlers.get('before-quit')!();
    expect(app.dispose).toHaveBeenCalledTimes(1);
    h.handlers.get('second-instance')!();
    expect(app.show).toHaveBeenCalledTimes(1);
  });
});
