// Keystroke echo and flood measurements on one terminal byte stream, whichever path carries it.
import { now, percentile } from './lib.ts';

/** Something that carries keystrokes to a session and its output back. */
export interface TermPath {
  write(data: string): void;
  onData(listener: (d: string) => void): void;
}

const KEYS = 'abcdefghijklmnopqrstuvwxyz';

/** Type `count` keys one at a time; each key's latency is until its echo arrives. */
export async function echoLatencies(path: TermPath, count: number): Promise<number[]> {
  let waiting: { key: string; resolve: () => void } | null = null;
  path.onData((d) => {
    if (waiting && d.includes(waiting.key)) {
      const w = waiting;
      waiting = null;
      w.resolve();
    }
  });
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    // Enter every 40 keys keeps the line short; its output is drained before the next key.
    if (i > 0 && i % 40 === 0) {
      path.write('\r');
      await new Promise((r) => setTimeout(r, 30));
    }
    const key = KEYS[i % KEYS.length]!;
    const t0 = now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no echo for ${key}`)), 5000);
      waiting = {
        key,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      path.write(key);
    });
    out.push(now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return out;
}

export function p50p99(v: number[]): { p50: number; p99: number } {
  return { p50: percentile(v, 50), p99: percentile(v, 99) };
}
