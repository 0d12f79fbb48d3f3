import { settleRetry, type HeldEvent } from '../../src/core/append-retry.js';
import { catchUpSubscription, openSubscriptions } from '../../src/core/catch-up-subscription.js';
import type { RecordedEvent } from '../../src/core/envelope.js';
import { StoreClosedError } from '../../src/core/errors.js';
import { maxEventBytesOption } from '../../src/core/event-json.js';
import {
  matchesFilter,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionMessage,
} from '../../src/core/event-store.js';
import { revisionMatches, type StreamRevision } from '../../src/core/revision.js';
import { checkReadAll, checkReadStream, prepareAppend } from '../../src/core/store-input.js';

export interface MemoryEventStoreOptions {
  /** Largest event accepted, in bytes of serialized data and metadata (default 4 MiB). */
  maxEventBytes?: number;
}
import { eventsOf, nextTurn } from '../../src/core/log-messages.js';

/** Events examined between turns of the event loop: copying each event out is what costs here. */
const STRETCH = 100;

/** An event store in process memory, for tests and examples. Positions are 1, 2, 3, … */
export function memoryEventStore(options: MemoryEventStoreOptions = {}): EventStore {
  const maxEventBytes = maxEventBytesOption(options.maxEventBytes);
  const log: RecordedEvent[] = [];
  const byStream = new Map<string, RecordedEvent[]>();
  const byId = new Map<string, HeldEvent>();
  let waiters: Array<() => void> = [];
  const subscriptions = openSubscriptions();
  let closed = false;
  const open = () => {
    if (closed) throw new StoreClosedError();
  };

  const currentRevision = (streamId: string): StreamRevision => {
    const events = byStream.get(streamId);
    return events ? events.length - 1 : 'no_stream';
  };

  /**
   * The log after `after` as messages: a checkpoint closes every stretch of STRETCH events examined
   * and the read's end, and the event loop gets a turn between stretches.
   */
  async function* scan(after: number | undefined, filter: EventFilter | undefined): AsyncGenerator<SubscriptionMessage> {
    // Position p sits at index p - 1; starting at index `after` skips it (exclusive).
    let i = Math.max(0, Math.floor(after ?? 0));
    let lastYielded = i;
    while (i < log.length) {
      const end = Math.min(log.length, i + STRETCH);
      for (; i < end; i++) {
        const event = log[i]!;
        if (!matchesFilter(event, filter)) continue;
        lastYielded = event.position;
        yield structuredClone(event);
      }
      if (i > lastYielded) yield { checkpoint: i };
      if (i < log.length) await nextTurn();
      open(); // a read the store's closing interrupts ends as any call on a closed store
    }
  }

  return {
    async append(streamId, events, expected): Promise<AppendResult> {
      open();
      const serialized = prepareAppend(streamId, events, expected, maxEventBytes);
      const current = currentRevision(streamId);
      if (!revisionMatches(expected, current) || serialized.some((e) => byId.has(e.id))) {
        return settleRetry(streamId, serialized, expected, current, (id) => byId.get(id));
      }
      const stream = byStream.get(streamId) ?? [];
      for (const { id, type, data, metadata } of serialized) {
        // Kept as the JSON text parses, so this store reads back what the others do.
        const recorded: RecordedEvent = {
          id,
          type,
          data: JSON.parse(data),
          metadata: JSON.parse(metadata),
          streamId,
          revision: stream.length,
          position: log.length + 1,
        };
        stream.push(recorded);
        log.push(recorded);
        byId.set(id, { streamId, revision: recorded.revision, position: recorded.position, type, data });
      }
      byStream.set(streamId, stream);
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
      return { nextExpectedRevision: stream.length - 1, position: log.length };
    },

    async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      open();
      checkReadStream(streamId, options);
      const stream = byStream.get(streamId) ?? [];
      const max = options.maxCount ?? Number.POSITIVE_INFINITY;
      const picked =
        options.direction === 'backwards'
          ? stream.slice(0, (options.fromRevision ?? stream.length - 1) + 1).reverse()
          : stream.slice(options.fromRevision ?? 0);
      return structuredClone(picked.slice(0, max));
    },

    async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
      open();
      checkReadAll(options);
      let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
      if (remaining <= 0) return;
      for await (const event of eventsOf(scan(options.after, options.filter), options.onCheckpoint)) {
        yield event;
        if (--remaining <= 0) return;
      }
    },

    subscribe(options?: SubscribeOptions): Subscription {
      const subscription = catchUpSubscription(
        {
          scan: (o) => {
            open();
            return scan(o.after, o.filter);
          },
          nextAppend: () => new Promise<void>((resolve) => waiters.push(resolve)),
        },
        options,
      );
      return subscriptions.track(subscription);
    },

    async lastPosition() {
      open();
      return log.at(-1)?.position;
    },

    async close() {
      closed = true;
      await subscriptions.closeAll();
    },
  };
}
