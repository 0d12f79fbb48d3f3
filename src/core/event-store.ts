import type { NewEvent, RecordedEvent } from './envelope.js';
import { PortalError } from './errors.js';
import type { ExpectedRevision } from './revision.js';

export interface AppendResult {
  /** Revision of the stream's last event after the append: pass it as the next expected revision. */
  nextExpectedRevision: number;
  /** Global position of the last event appended. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; defaults to the first (forwards) or last (backwards) event. */
  fromRevision?: number;
  maxCount?: number;
}

/** Filters are prefixes; an event passes when it matches any prefix of each given list. */
export interface EventFilter {
  eventTypePrefixes?: readonly string[];
  streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events after this global position. Omitted = from the beginning. */
  after?: number;
  filter?: EventFilter;
  maxCount?: number;
  /**
   * Told, as the read goes, the position up to which it has examined the log: every event at or
   * before it that passes the filter has been yielded. A filtered reader that keeps the last one
   * resumes there instead of examining again what its filter skipped.
   */
  onCheckpoint?: (position: number) => void;
}

export interface SubscribeOptions {
  /** Exclusive: delivery starts after this position, so a stored checkpoint resumes exactly. */
  after?: number;
  filter?: EventFilter;
}

/** Progress without an event: every event at or before `checkpoint` that passes the filter was delivered. */
export interface Checkpoint {
  readonly checkpoint: number;
}

/** What a subscription's `withCheckpoints()` view yields: events, and checkpoints between them. */
export type SubscriptionMessage = RecordedEvent | Checkpoint;

export function isCheckpoint(message: SubscriptionMessage): message is Checkpoint {
  return 'checkpoint' in message;
}

/** Catches up from `after`, then delivers new events live, in global order, until closed. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /**
   * The same subscription with a checkpoint wherever it moved past events its filter skipped (as
   * EventStoreDB's filtered subscriptions report them), so a stored position follows the log even
   * when nothing matches. Both views read one underlying subscription: iterate only one.
   */
  withCheckpoints(): AsyncIterable<SubscriptionMessage>;
  close(): Promise<void>;
}

/**
 * The event store port. Every adapter (memory, SQLite, EventStoreDB) passes one contract suite.
 * Appends are atomic: the expected revision is checked inside the append, a batch lands whole or
 * not at all, and a retry (EventStoreDB's rule, see append-retry.ts) returns the first result.
 * An append carries at least one event (an empty one has no revision or position to report).
 * Every adapter checks its arguments with store-input.ts first and refuses bad ones with a typed
 * error; after close() every operation fails with StoreClosedError.
 */
export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream; a stream that does not exist reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Every event in global order, streamed (constant memory over any size of log). */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Global position of the log's last event (undefined while the log is empty): a rebuild's total. */
  lastPosition(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** True when an event passes a filter (shared by the stores that filter in process). */
export function matchesFilter(event: { type: string; streamId: string }, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  const { eventTypePrefixes: types, streamPrefixes: streams } = filter;
  if (types && types.length > 0 && !types.some((p) => event.type.startsWith(p))) return false;
  if (streams && streams.length > 0 && !streams.some((p) => event.streamId.startsWith(p))) return false;
  return true;
}

/** Every adapter refuses an empty append the same way. */
export function assertNotEmpty(streamId: string, events: readonly NewEvent[]): void {
  if (events.length === 0) throw new PortalError('store.empty_append', `An append to ${streamId} needs at least one event.`);
}
