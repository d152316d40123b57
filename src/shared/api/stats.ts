// The contract, resource figures: the `stats` request and event. Part of src/shared/api.ts (the barrel).
import type { ResourceStats, StatsPoint } from '../model.ts';

/**
 * Resource figures (src/core/monitor): per host and per session, CPU in percent of one core, memory
 * in bytes. The same shape as `orchard stats --json`. The `stats` request also carries `history`
 * (the last 15 minutes, oldest first) so charts start full; pushed `stats` events carry none.
 */
export interface StatsSnapshot extends ResourceStats {
  history?: StatsPoint[];
}
