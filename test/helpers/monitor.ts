// Measuring the host monitor: the processes Orchard starts (ORCHARD_TRACE_EXEC=1 lines, control
// clients included) and how long a hook's state change takes to reach a client.
import type { SessionInfo } from '../../src/shared/model.ts';

// Hosts read the variable when they are made: set it before any test env exists.
process.env.ORCHARD_TRACE_EXEC = '1';
const traced: Array<{ at: number; line: string }> = [];
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (text.startsWith('[orchard exec')) {
    for (const line of text.split('\n').filter(Boolean)) traced.push({ at: Date.now(), line });
    return true;
  }
  return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stderr.write;

/** Every process traced so far (a check that tracing works at all: spawns run git and tmux). */
export function tracedSoFar(): number {
  return traced.length;
}

/** The processes Orchard started during the next `ms` milliseconds. */
export async function countExecs(ms: number): Promise<{ count: number; lines: string[] }> {
  const from = Date.now();
  await new Promise((r) => setTimeout(r, ms));
  const lines = traced.filter((x) => x.at >= from).map((x) => x.line);
  return { count: lines.length, lines };
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/**
 * `n` state changes made by `set` (as a hook would), one after another over `sessions`, each
 * timed from just before it is made until a pushed list (`lists`, appended by the client) shows it.
 */
export async function hookLatencies(
  n: number,
  sessions: readonly SessionInfo[],
  lists: ReadonlyArray<{ at: number; list: SessionInfo[] }>,
  set: (s: SessionInfo, state: 'working' | 'idle') => Promise<void>,
  timeoutMs = 5000,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = sessions[i % sessions.length]!;
    const now = lists.at(-1)?.list.find((x) => x.id === s.id)?.state;
    const state = now === 'working' ? 'idle' : 'working';
    const t0 = performance.now();
    await set(s, state);
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = lists.find((l) => l.at >= t0 && l.list.find((x) => x.id === s.id)?.state === state);
      if (hit) {
        out.push(hit.at - t0);
        break;
      }
      if (Date.now() > end) throw new Error(`change ${i} (${s.id} → ${state}) never reached the client`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}
