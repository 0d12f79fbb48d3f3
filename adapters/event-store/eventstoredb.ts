import { BACKWARDS, EventStoreDBClient, StreamNotFoundError, type AllStreamResolvedEvent, type Position } from '@eventstore/db-client';
import { openSubscriptions } from '../../src/core/catch-up-subscription.js';
import type { RecordedEvent } from '../../src/core/envelope.js';
import { ConcurrencyError, StoreUnavailableError } from '../../src/core/errors.js';
import {
  assertNotEmpty,
  type EventStore,
  type ReadAllOptions,
  type Subscription,
  type SubscribeOptions,
  type SubscriptionMessage,
} from '../../src/core/event-store.js';
import { EVENTS_PER_TURN, nextTurn, subscriptionOf } from '../../src/core/log-messages.js';
import {
  fromResolvedEvent,
  isDeliverable,
  toClientExpectedRevision,
  toClientFilter,
  toClientPosition,
  toClientReadStreamOptions,
  toEventData,
  toPortalError,
} from './eventstoredb-mapping.js';

/** A filter checkpoint the server sent, as it travels through the client's subscription stream. */
class ServerCheckpoint {
  constructor(readonly position: Position) {}
}

export type EventStoreDbOptions = { connectionString: string } | { client: EventStoreDBClient };

/**
 * The EventStore port on EventStoreDB (server 22.6 or later, through @eventstore/db-client).
 * A client passed in stays its owner's to dispose; one built from a connection string is
 * disposed by `close()`.
 */
export function eventStoreDbEventStore(options: EventStoreDbOptions): EventStore {
  const ownsClient = !('client' in options);
  const client = 'client' in options ? options.client : EventStoreDBClient.connectionString(options.connectionString);
  const subscriptions = openSubscriptions();
  let closed = false;
  const open = () => {
    if (closed) throw new StoreUnavailableError('The EventStoreDB event store is closed.');
  };

  /** Position of the event at `revision`, for appends whose reply carries none. */
  async function positionOf(streamId: string, revision: bigint): Promise<Position> {
    for await (const resolved of client.readStream(streamId, { fromRevision: revision, direction: BACKWARDS, maxCount: 1 })) {
      if (resolved.event?.position) return resolved.event.position;
    }
    throw new Error(`EventStoreDB did not report the position of ${streamId}@${revision}; use server 22.6 or later.`);
  }

  async function* readAll({ after, filter, maxCount, onCheckpoint }: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
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
        }
        // A stretch of skipped events ends with a checkpoint and a turn for the event loop.
        if (++examined % EVENTS_PER_TURN === 0) {
          if (reached !== lastEvent && (after === undefined || reached > after)) onCheckpoint?.(reached);
          await nextTurn();
        }
      }
      if (reached !== undefined && reached !== lastEvent && (after === undefined || reached > after)) onCheckpoint?.(reached);
    } catch (error) {
      throw toPortalError(error);
    } finally {
      // Ends the gRPC call when the reader stops early; a call that already ended or failed has nothing to add.
      await read.cancel().catch(() => undefined);
    }
  }

  function subscribe({ after, filter }: SubscribeOptions = {}): Subscription {
    let stop: () => void = () => undefined;
    const stopped = new Promise<{ done: true; value: undefined }>((resolve) => {
      stop = () => resolve({ done: true, value: undefined });
    });

    async function* messages(): AsyncGenerator<SubscriptionMessage> {
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
      assertNotEmpty(streamId, events);
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
        throw toPortalError(error, streamId);
      }
    },

    async readStream(streamId, options) {
      open();
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

    async close() {
      closed = true;
      await subscriptions.closeAll();
      if (ownsClient) await client.dispose();
    },
  };
}
