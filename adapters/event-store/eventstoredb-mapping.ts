/**
 * Pure translations between the EventStore port and @eventstore/db-client, kept apart from the
 * adapter so every rule can be unit-tested without a server.
 */
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  ErrorType,
  MaxAppendSizeExceededError,
  WrongExpectedVersionError,
  eventTypeFilter,
  isCommandError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type CurrentRevision,
  type EventData,
  type Filter,
  type JSONType,
  type ReadPosition,
  type ReadStreamOptions as ClientReadStreamOptions,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../src/core/envelope.js';
import { ConcurrencyError, EventTooLargeError, StoreUnavailableError } from '../../src/core/errors.js';
import { matchesFilter, type EventFilter, type ReadStreamOptions } from '../../src/core/event-store.js';
import type { ExpectedRevision, StreamRevision } from '../../src/core/revision.js';

/** Our expected revision in the client's terms; the conventions are the same, only the number type differs. */
export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/** A revision the client reports (the current one, in a conflict) in our terms. */
export function fromClientRevision(current: CurrentRevision): StreamRevision {
  return current === NO_STREAM ? 'no_stream' : Number(current);
}

// The client's typed errors for "the server could not be reached, did not answer in time or failed".
const unavailableTypes = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
  ErrorType.UNKNOWN,
]);
// The same as gRPC status codes: CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, ABORTED, INTERNAL, UNAVAILABLE.
const unavailableCodes = new Set([1, 2, 4, 10, 13, 14]);

/**
 * A client failure in our terms: a wrong expected version becomes a ConcurrencyError, an append
 * over the server's size limit an EventTooLargeError, a lost or refused connection a StoreUnavailableError. Anything else (access denied, deleted stream, bad
 * argument) is a programming or configuration error and is passed on unchanged.
 */
export function toPortalError(error: unknown, streamId?: string): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const expected = typeof error.expectedVersion === 'bigint' ? Number(error.expectedVersion) : error.expectedVersion;
    return new ConcurrencyError(streamId ?? error.streamName, expected, fromClientRevision(error.actualVersion));
  }
  // The server's own limit per append, when it is below the adapter's per event.
  if (error instanceof MaxAppendSizeExceededError) return new EventTooLargeError(streamId ?? 'a stream', error.maxAppendSize);
  // Failures before a call starts (e.g. the server-features probe) arrive as raw gRPC errors
  // rather than the client's typed errors, hence the status-code check as well.
  const code = (error as { code?: unknown } | null)?.code;
  const typed = error instanceof Error && isCommandError(error) && unavailableTypes.has(error.type);
  if (typed || (typeof code === 'number' && unavailableCodes.has(code))) {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${reason}`, error);
  }
  return error;
}

/**
 * Where a read of $all starts. ESDB positions of events appended over gRPC have commit = prepare,
 * so one number rebuilds the pair. It must be a position this store handed out: the server reads
 * the log record found there, so an arbitrary byte offset is not a valid start.
 */
export function toClientPosition(after: number | undefined): ReadPosition {
  return after === undefined || after < 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
}

/** Our stream read options in the client's terms. Backwards with no start means "from the end". */
export function toClientReadStreamOptions(options: ReadStreamOptions = {}): ClientReadStreamOptions {
  const direction = options.direction === 'backwards' ? BACKWARDS : FORWARDS;
  const fromRevision =
    options.fromRevision !== undefined ? BigInt(options.fromRevision) : direction === BACKWARDS ? END : START;
  return options.maxCount === undefined ? { direction, fromRevision } : { direction, fromRevision, maxCount: options.maxCount };
}

/**
 * The server-side filter of a $all subscription. The server filters on one list only (stream name
 * or event type), so this narrows the traffic and `isDeliverable` applies the whole filter.
 * Without a filter, system events are excluded at the server.
 */
export function toClientFilter(filter: EventFilter | undefined, checkpointReached?: CheckpointReached): Filter {
  // The server reports a checkpoint every `checkpointInterval` × 32 events it examined (its
  // default search window), so a filtered subscription's position moves on over what it skipped.
  const checkpoints = checkpointReached ? { checkpointInterval: 1, checkpointReached } : {};
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes], ...checkpoints });
  if (filter?.eventTypePrefixes?.length) return eventTypeFilter({ prefixes: [...filter.eventTypePrefixes], ...checkpoints });
  return excludeSystemEvents(checkpoints);
}

type CheckpointReached = NonNullable<Filter['checkpointReached']>;

/** ESDB reserves `$`-prefixed event types and stream names for its own bookkeeping. */
export function isSystemEvent(event: { type: string; streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * Whether an event read from $all belongs in our readAll/subscribe output: strictly after `after`
 * (ESDB reads from a position inclusively), not a system event, and passing the filter.
 */
export function isDeliverable(event: RecordedEvent, after: number | undefined, filter: EventFilter | undefined): boolean {
  if (after !== undefined && event.position <= after) return false;
  return !isSystemEvent(event) && matchesFilter(event, filter);
}

// Metadata keys this adapter adds. `$correlationId`/`$causationId` are ESDB's own names, so its
// projections and UI link events. `portalEventId` was added by earlier versions, which accepted
// ids that are not UUIDs and wrote a name-based UUID in their place: read back, it restores them.
const CORRELATION = '$correlationId';
const CAUSATION = '$causationId';
const ORIGINAL_ID = 'portalEventId';

// What servers before 22.6 put in the position of an event read from its stream (2^64 - 1).
const unknownPosition = 18446744073709551615n;

/** A new event as the client's JSON event data. Its id is a lower-case UUID, as the port requires. */
export function toEventData(event: NewEvent): EventData {
  const metadata: Record<string, unknown> = {
    ...event.metadata,
    [CORRELATION]: event.metadata.correlationId,
    [CAUSATION]: event.metadata.causationId,
  };
  return jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata });
}

/**
 * A read event in our terms, or undefined for a link whose target is gone (resolved events
 * without `event`). Positions are the commit position: since ESDB 20 every event appended over
 * gRPC is its own log record with commit = prepare, so it is unique and increases along $all.
 */
export function fromResolvedEvent(resolved: ResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  if (!event.position || event.position.commit === unknownPosition) {
    // Servers before 22.6 report no real position on stream reads.
    throw new Error(`EventStoreDB returned ${event.streamId}@${event.revision} without a position; use server 22.6 or later.`);
  }
  const { [CORRELATION]: _correlation, [CAUSATION]: _causation, [ORIGINAL_ID]: originalId, ...metadata } =
    isRecord(event.metadata) ? event.metadata : {};
  return {
    id: typeof originalId === 'string' ? originalId : event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: Number(event.position.commit),
    type: event.type,
    data: event.data,
    metadata: metadata as unknown as EventMetadata,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
