import { BACKWARDS, END, EventStoreDBClient, InvalidTransactionError, StreamNotFoundError, type AllStreamResolvedEvent, type Position, type ReadPosition } from '@eventstore/db-client';
import { openSubscriptions } from '../../src/core/catch-up-subscription.js';
import type { NewEvent, RecordedEvent } from '../../src/core/envelope.js';
import { ConcurrencyError, DuplicateEventIdError, StoreClosedError } from '../../src/core/errors.js';
import { maxEventBytesOption } from '../../src/core/event-json.js';
import type { EventStore, ReadAllOptions, Subscription, SubscribeOptions, SubscriptionMessage } from '../../src/core/event-store.js';
import { EVENTS_PER_TURN, nextTurn, subscriptionOf } from '../../src/core/log-messages.js';
import type { ExpectedRevision, StreamRevision } from '../../src/core/revision.js';
import { checkReadAll, checkReadStream, prepareAppend } from '../../src/core/store-input.js';
import {
  fromResolvedEvent,
  isDeliverable,
  isSystemEvent,
  toClientExpectedRevision,
  toClientFilter,
  toClientPosition,
  toClientReadStreamOptions,
  toEventData,
  toPortalError,
} from './eventstoredb-mapping.js';

/** Events read per page when looking for the last one (the server's own may come after it). */
const LAST_PAGE = 32;

/** A filter checkpoint the server sent, as it travels through the client's subscription stream. */
class ServerCheckpoint {
  constructor(readonly position: Position) {}
}

export type EventStoreDbOptions = ({ connectionString: string } | { client: EventStoreDBClient }) & {
  /**
   * Largest event accepted, in bytes of serialized data and metadata (default 4 MiB). The server
   * has its own limit per append (MaxAppendSize, 1 MiB by default): raise it to match, or lower this.
   */
  maxEventBytes?: number;
};

/**
 * The EventStore port on EventStoreDB (server 22.6 or later, through @eventstore/db-client).
 * A client passed in stays its owner's to dispose; one built from a connection string is
 * disposed by `close()`.
 */
export function eventStoreDbEventStore(options: EventStoreDbOptions): EventStore {
  const maxEventBytes = maxEventBytesOption(options.maxEventBytes); // before a client exists to leak
  const ownsClient = !('client' in options);
  const client = 'client' in options ? options.client : EventStoreDBClient.connectionString(options.connectionString);
  const subscriptions = openSubscriptions();
  let closed = false;
  const open = () => {
    if (closed) throw new StoreClosedError();
  };

  /** Position of the event at `revision`, for appends whose reply carries none. */
  async function positionOf(streamId: string, revision: bigint): Promise<Position> {
    let position: Position | undefined;
    // Read to its end (one event): a client read left early keeps the client from disposing.
    for await (const resolved of client.readStream(streamId, { fromRevision: revision, direction: BACKWARDS, maxCount: 1 })) {
      position = resolved.event?.position ?? position;
    }
    if (position) return position;
    throw new Error(`EventStoreDB did not report the position of ${streamId}@${revision}; use server 22.6 or later.`);
  }

  /** Where a stream is now, for a refusal the server sends without it. */
  async function currentRevision(streamId: string): Promise<StreamRevision> {
    let current: StreamRevision = 'no_stream';
    try {
      // Read to its end (one event), as in positionOf.
      for await (const resolved of client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) current = Number(resolved.event.revision);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw toPortalError(error, streamId);
    }
    return current;
  }

  /**
   * The server answers "invalid transaction" to a batch that matches an earlier one only in part:
   * with an exact expected revision, the first ids sit right after it and a later one does not
   * (e.g. `[a, c]` where `[a, b]` was appended), which the other stores call a conflict; with
   * 'any' or 'stream_exists', the first ids are in the stream and a later one is not, which they
   * call a taken id.
   */
  async function refusalOf(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<Error> {
    if (expected === 'any' || expected === 'stream_exists') return new DuplicateEventIdError(events[0]!.id, streamId, 'taken');
    return new ConcurrencyError(streamId, expected, await currentRevision(streamId));
  }

  async function* readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    open();
    checkReadAll(options);
    const { after, filter, maxCount, onCheckpoint } = options;
    if (maxCount !== undefined && maxCount <= 0) return;
    // $all cannot be filtered server-side by this client version, so counting and filtering
    // happen here; the read itself is a stream with backpressure, never buffered whole.
    const read = client.readAll({ fromPosition: toClientPosition(after) });
    let delivered = 0;
    let examined = 0;
    let lastEvent: number | undefined;
    let reached: number | undefined;
    try {
      for await (const resolved of read) {
        const event = fromResolvedEvent(resolved);
        if (!event) continue;
        reached = event.position;
        if (isDeliverable(event, after, filter)) {
          lastEvent = event.position;
          yield event;
          if (++delivered === maxCount) return;
          open(); // a read the store's closing interrupts ends as any call on a closed store
        }
        // A stretch of skipped events ends with a checkpoint and a turn for the event loop.
        if (++examined % EVENTS_PER_TURN === 0) {
          if (reached !== lastEvent && (after === undefined || reached > after)) onCheckpoint?.(reached);
          await nextTurn();
        }
      }
      open(); // closing ends the client's stream early, which must not read as the log's end
      if (reached !== undefined && reached !== lastEvent && (after === undefined || reached > after)) onCheckpoint?.(reached);
    } catch (error) {
      if (error instanceof StoreClosedError || closed) throw new StoreClosedError();
      throw toPortalError(error);
    } finally {
      // Ends the gRPC call when the reader stops early; a call that already ended or failed has nothing to add.
      await read.cancel().catch(() => undefined);
    }
  }

  /**
   * The last event of $all that is ours: read backwards from the end a page at a time, past the
   * server's own (system) events, which the client cannot filter out of a read of $all.
   */
  async function lastPosition(): Promise<number | undefined> {
    open();
    let from: ReadPosition = END;
    try {
      for (;;) {
        let found: number | undefined;
        let oldest: Position | undefined;
        let read = 0;
        // Each page is read to its end: a client read left early keeps the client from disposing.
        for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: LAST_PAGE })) {
          read++;
          oldest = resolved.event?.position ?? oldest;
          const event = fromResolvedEvent(resolved);
          if (found === undefined && event && !isSystemEvent(event)) found = event.position;
        }
        open();
        if (found !== undefined) return found;
        if (read < LAST_PAGE || !oldest) return undefined;
        from = oldest; // backwards from a position reads the events before it
      }
    } catch (error) {
      if (error instanceof StoreClosedError || closed) throw new StoreClosedError();
      throw toPortalError(error);
    }
  }

  function subscribe({ after, filter }: SubscribeOptions = {}): Subscription {
    let stop: () => void = () => undefined;
    const stopped = new Promise<{ done: true; value: undefined }>((resolve) => {
      stop = () => resolve({ done: true, value: undefined });
    });

    async function* messages(): AsyncGenerator<SubscriptionMessage> {
      open();
      // Opened on the first read, so a failure to connect surfaces there rather than as an
      // unhandled 'error' event of a stream nobody listens to yet.
      // ESDB subscriptions start after `fromPosition` (exclusive), like ours; isDeliverable guards it anyway.
      // The server's filter checkpoints are pushed into the subscription's own stream, so they
      // reach us in order with the events before them (a separate queue could overtake events
      // still buffered, and a checkpoint stored too early would skip them on resume).
      const live = client.subscribeToAll({
        fromPosition: toClientPosition(after),
        filter: toClientFilter(filter, (subscription, position) => void subscription.push(new ServerCheckpoint(position))),
      });
      const source = live[Symbol.asyncIterator]() as AsyncIterator<AllStreamResolvedEvent | ServerCheckpoint>;
      let reached = after;
      try {
        while (true) {
          // Racing against close() releases a consumer that is waiting for the next live event.
          const next = await Promise.race([source.next(), stopped]);
          if (next.done) return;
          if (next.value instanceof ServerCheckpoint) {
            const checkpoint = Number(next.value.position.commit);
            if (reached === undefined || checkpoint > reached) yield { checkpoint: (reached = checkpoint) };
            continue;
          }
          const event = fromResolvedEvent(next.value);
          if (event && isDeliverable(event, after, filter) && (reached === undefined || event.position > reached)) {
            reached = event.position;
            yield event;
          }
        }
      } catch (error) {
        throw toPortalError(error);
      } finally {
        await live.unsubscribe().catch(() => undefined);
        live.destroy();
      }
    }

    const iterator = messages();
    return subscriptions.track(
      subscriptionOf(iterator, async () => {
        stop();
        await iterator.return(undefined);
      }),
    );
  }

  return {
    async append(streamId, events, expected) {
      open();
      // Checked and measured here; the client serializes the (now known to be plain JSON) data itself.
      prepareAppend(streamId, events, expected, maxEventBytes);
      try {
        // Retrying a batch with the same ids succeeds without duplicates: ESDB guarantees this for
        // every expected revision except 'any', where it is only best effort (the server checks
        // ids against recent writes it still remembers).
        const result = await client.appendToStream(streamId, events.map(toEventData), {
          expectedRevision: toClientExpectedRevision(expected),
        });
        if (!result.success) {
          // Only a client built with throwOnAppendFailure=false gets here, and it does not say where the stream is.
          throw new ConcurrencyError(streamId, expected, 'unknown');
        }
        // An idempotent retry is answered without a position, so it is read back from the last event.
        const position = result.position ?? (await positionOf(streamId, result.nextExpectedRevision));
        return { nextExpectedRevision: Number(result.nextExpectedRevision), position: Number(position.commit) };
      } catch (error) {
        if (error instanceof InvalidTransactionError) throw await refusalOf(streamId, events, expected);
        throw toPortalError(error, streamId);
      }
    },

    async readStream(streamId, options) {
      open();
      checkReadStream(streamId, options);
      // A count of 0 reads nothing in every store; the server is not asked.
      if (options?.maxCount === 0) return [];
      const events: RecordedEvent[] = [];
      try {
        for await (const resolved of client.readStream(streamId, toClientReadStreamOptions(options))) {
          const event = fromResolvedEvent(resolved);
          if (event) events.push(event);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw toPortalError(error, streamId);
      }
      return events;
    },

    readAll,
    subscribe,
    lastPosition,

    async close() {
      closed = true;
      await subscriptions.closeAll();
      if (ownsClient) await client.dispose();
    },
  };
}
