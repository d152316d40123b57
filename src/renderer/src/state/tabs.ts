// Pure tab-order helpers: kept apart from the store so they are trivially testable.

/** Moves `id` so that it lands before the tab now at `toIndex` (toIndex = length: to the end). */
export function moveTab(order: string[], id: string, toIndex: number): string[] {
  const from = order.indexOf(id);
  if (from < 0) return order;
  const rest = order.filter((x) => x !== id);
  const at = Math.max(0, Math.min(rest.length, from < toIndex ? toIndex - 1 : toIndex));
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

/** The tab to show after closing `id`: its right neighbour, else its left one. */
export function neighbourAfterClose(order: string[], id: string): string | null {
  const i = order.indexOf(id);
  if (i < 0) return order[0] ?? null;
  return order[i + 1] ?? order[i - 1] ?? null;
}

export function cycle(order: string[], current: string | null, step: 1 | -1): string | null {
  if (order.length === 0) return null;
  const i = current ? order.indexOf(current) : -1;
  return order[(i + step + order.length) % order.length] ?? null;
}
