import type { StreamRevision } from '../core/revision.js';

/**
 * What every command returns beside its own fields: where its change is. The HTTP adapter turns
 * `revision` into an ETag and waits for read models to reach `position` (read-your-writes).
 */
export interface Written {
  /** The revision of the stream the command changed, afterwards; for a command changing several streams, its primary one's. */
  revision: StreamRevision;
  /**
   * Global position of the last event the call appended, on any stream. When it appended nothing,
   * the position of its primary stream's last event (null when that stream has no events).
   */
  position: number | null;
}

/** The latest of several positions: a call's follow-ups come after its primary command. */
export function latest(...positions: ReadonlyArray<number | null | undefined>): number | null {
  let last: number | null = null;
  for (const p of positions) if (p !== null && p !== undefined && (last === null || p > last)) last = p;
  return last;
}
