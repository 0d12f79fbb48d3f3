import { catchUpSubscription, openSubscriptions } from '../../src/core/catch-up-subscription.js';
import type { NewEvent, RecordedEvent } from '../../src/core/envelope.js';
import { ConcurrencyError, DuplicateEventIdError, StoreUnavailableError } from '../../src/core/errors.js';
import {
  assertNotEmpty,
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
import { eventsOf, nextTurn } from '../../src/core/log-messages.js';
import { revisionMatches, type ExpectedRevision, type StreamRevision } from '../../src/core/revision.js';

/** Events examined between turns of the event loop: copying each event out is what costs here. */
const STRETCH = 100;

/** An event store in process memory, for tests and examples. Positions are 1, 2, 3, … */
export function memoryEventStore(): EventStore {
  const log: RecordedEvent[] = [];
  const byStream = new Map<string, RecordedEvent[]>();
  const byId = new Map<string, RecordedEvent>();
  let waiters: Array<() => void> = [];
  const subscriptions = openSubscriptions();
  let closed = false;

  const currentRevision = (streamId: string): StreamRevision => {
    const events = byStream.get(streamId);
    return events ? events.length - 1 : 'no_stream';
  };

  /** EventStoreDB-style idempotency: the same ids, same stream, same order = the earlier result. */
  function earlierAppend(streamId: string, events: readonly NewEvent[]): AppendResult | undefined {
    const seen = events.map((e) => byId.get(e.id));
    if (seen.every((e) => e === undefined)) return undefined;
    const first = seen[0];
    const sameAppend =
      first !== undefined &&
      seen.every((e, i) => e !== undefined && e.streamId === streamId && e.revision === first.revision + i);
    if (!sameAppend) {
      const reused = events.find((e) => byId.has(e.id))!;
      throw new DuplicateEventIdError(reused.id, streamId);
    }
    const last = seen[seen.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

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
    }
  }

  return {
    async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
      if (closed) throw new StoreUnavailableError('The in-memory event store is closed.');
      assertNotEmpty(streamId, events);
      const repeated = earlierAppend(streamId, events);
      if (repeated) return repeated;
      const current = currentRevision(streamId);
      if (!revisionMatches(expected, current)) throw new ConcurrencyError(streamId, expected, current);
      const stream = byStream.get(streamId) ?? [];
      for (const event of events) {
        const recorded: RecordedEvent = {
          ...structuredClone(event),
          streamId,
          revision: stream.length,
          position: log.length + 1,
        };
        stream.push(recorded);
        log.push(recorded);
        byId.set(recorded.id, recorded);
      }
      byStream.set(streamId, stream);
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
      return { nextExpectedRevision: stream.length - 1, position: log.length };
    },

    async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
      const stream = byStream.get(streamId) ?? [];
      const max = options.maxCount ?? Number.POSITIVE_INFINITY;
      const picked =
        options.direction === 'backwards'
          ? stream.slice(0, (options.fromRevision ?? stream.length - 1) + 1).reverse()
          : stream.slice(options.fromRevision ?? 0);
      return structuredClone(picked.slice(0, max));
    },

    async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
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
          scan: (o) => scan(o.after, o.filter),
          nextAppend: () => new Promise<void>((resolve) => waiters.push(resolve)),
        },
        options,
      );
      return subscriptions.track(subscription);
    },

    async close() {
      closed = true;
      await subscriptions.closeAll();
    },
  };
}
