import { ConcurrencyError, DuplicateEventIdError } from './errors.js';
import type { SerializedEvent } from './event-json.js';
import type { AppendResult } from './event-store.js';
import { revisionMatches, type ExpectedRevision, type StreamRevision } from './revision.js';

/** What a store knows of an event it already holds, found by the event's id. */
export interface HeldEvent {
  streamId: string;
  revision: number;
  position: number;
  type: string;
  /** The stored data as JSON text, to tell a retry from a different event under a reused id. */
  data: string;
}

/**
 * Settles an append that cannot simply be written, because its expected revision does not match
 * or one of its ids is taken, the way EventStoreDB's IndexWriter.CheckCommit does: it is a retry
 * when its events sit in this stream one after another in the batch's order, starting right after
 * the expected revision (or, for 'any' and 'stream_exists', wherever the first one is). A retry
 * returns the first append's result, so an append whose reply was lost can be sent again.
 *
 * Otherwise a stale expected revision is a ConcurrencyError and a taken id a DuplicateEventIdError.
 * A retry whose type or data differ from what was written under an id is refused too (metadata is
 * not compared: it records the circumstances of a write, such as when it was attempted).
 */
export function settleRetry(
  streamId: string,
  events: readonly SerializedEvent[],
  expected: ExpectedRevision,
  current: StreamRevision,
  held: (id: string) => HeldEvent | undefined,
): AppendResult {
  const found = events.map((event) => held(event.id));
  const first = found[0];
  const start =
    expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : first?.streamId === streamId ? first.revision : undefined;
  const inPlace = start !== undefined && found.every((e, i) => e?.streamId === streamId && e.revision === start + i);
  if (inPlace) {
    events.forEach((event, i) => {
      const earlier = found[i]!;
      if (earlier.type !== event.type || earlier.data !== event.data) throw new DuplicateEventIdError(event.id, streamId, 'changed');
    });
    const last = found[found.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }
  if (!revisionMatches(expected, current)) throw new ConcurrencyError(streamId, expected, current);
  const taken = events.find((_, i) => found[i] !== undefined) ?? events[0]!;
  throw new DuplicateEventIdError(taken.id, streamId, 'taken');
}
