/**
 * One revision convention for every store (EventStoreDB's): a stream's revision is the 0-based
 * number of its last event; a stream without events is at `'no_stream'`.
 */
export type StreamRevision = number | 'no_stream';

/** What an append expects the stream to be at. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** True when a stream currently at `current` satisfies `expected`. */
export function revisionMatches(expected: ExpectedRevision, current: StreamRevision): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 'no_stream';
    case 'stream_exists':
      return current !== 'no_stream';
    default:
      return current === expected;
  }
}

/** The revision after appending `count` events to a stream at `current`. */
export function revisionAfter(current: StreamRevision, count: number): number {
  return (current === 'no_stream' ? -1 : current) + count;
}
