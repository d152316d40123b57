// A large WebSocket message (a pasted file, or a hostile client's megabytes of `[`) arrives as
// dozens of 64 KB socket reads plus one buffer they are joined into, all outside the JavaScript
// heap and freed only when V8 collects the small objects that own them. An idle or lightly loaded
// server collects rarely (V8 waits for ~64 MB of such memory), so a burst of large messages piles
// up in malloc's heap, and what malloc got it keeps: measured, forty 4 MB messages left the server
// 40 MB larger for good. One young-generation collection after each large message (well under a
// millisecond: the young generation is small) frees its buffers before the next one comes, so they
// reuse the same memory: the same burst now leaves about 14 MB.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A message this large is followed by a collection. */
export const LARGE_MESSAGE_BYTES = 512 * 1024;

type Collect = (options?: { type?: 'minor' | 'major' }) => void;
let collect: Collect | null | undefined;

/** V8's `gc()`, made available at run time (as Jest does for its leak check), or null. */
function collector(): Collect | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as Collect;
    } catch {
      collect = null;
    }
  }
  return collect;
}

let pending = false;

/** Note a message of `bytes`: after a large one (once it is handled), a young-generation collection. */
export function noteMessageSize(bytes: number): void {
  if (bytes < LARGE_MESSAGE_BYTES || pending) return;
  pending = true;
  setImmediate(() => {
    pending = false;
    collector()?.({ type: 'minor' });
  });
}
