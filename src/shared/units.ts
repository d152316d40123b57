// Resource sizes as users write them ("4G", "150M", "150%"), shared by the CLI, the engine and the
// window so that every front end reads a limit the same way.
import { OrchardError } from './errors.ts';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "4G", "150M", "1.5GiB", "512m", "1073741824" → bytes (binary units, as cgroups and systemd use). */
export function parseMemory(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m)
    throw new OrchardError('invalid-argument', `not a memory size: ${JSON.stringify(text)} (try 4G or 512M)`);
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  if (bytes < 16 * 1024 ** 2)
    throw new OrchardError('invalid-argument', `memory limit ${text} is too small (at least 16M)`);
  return bytes;
}

/** "150%" or "150" → 150 (percent of one core). */
export function parseCpu(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const pct = m ? Number(m[1]) : NaN;
  if (!(pct >= 1) || pct > 100_000)
    throw new OrchardError(
      'invalid-argument',
      `not a CPU limit: ${JSON.stringify(text)} (try 150% = 1.5 cores)`,
    );
  return Math.round(pct);
}

/**
 * 157286400 → "150M", 1.5 GiB → "1.5G", 123.4 MiB → "123M": a limit reads the way the user wrote
 * it (parseMemory's units), a measured figure with at most three significant digits.
 */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['T', 1024 ** 4],
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${Number.isInteger(v) ? v : v >= 100 ? Math.round(v) : v.toFixed(1)}${unit}`;
    }
  }
  return `${Math.round(bytes)}B`;
}

/** 42.123 → "42.1%", 250 → "250%" (percent of one core, or of a whole). */
export function formatPercent(x: number): string {
  return `${x >= 100 ? Math.round(x) : x.toFixed(1)}%`;
}

/** "memory 4G, cpu 150%", or "none". */
export function describeLimits(l: { memory?: number; cpu?: number }): string {
  const parts: string[] = [];
  if (l.memory) parts.push(`memory ${formatBytes(l.memory)}`);
  if (l.cpu) parts.push(`cpu ${l.cpu}%`);
  return parts.join(', ') || 'none';
}
