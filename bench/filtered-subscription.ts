import type { SqliteEventStore } from '../adapters/event-store/sqlite.js';
import { uuidIds } from '../adapters/system/clock-and-ids.js';
import type { SubscriptionMessage } from '../src/core/event-store.js';
import { config, eventData, interleaved, measure, metadata, type Sample } from './support.js';

export interface FilteredSubscriptionFigure {
  /** Appends/s while one subscription filtered on a type nobody appends is open. */
  withSubscription: number;
  /** Appends/s with no subscription, same store, interleaved slices. */
  without: number;
  /** Seconds the subscription took to catch up over the pre-filled log the first time. */
  catchUpSeconds: number;
}

const rare = { eventTypePrefixes: ['RareThingHappened'] };

/**
 * Appends of events a filtered subscription skips, with that subscription open and without, over
 * a log already holding BENCH_EVENTS events it skips too. With filtered checkpoints the
 * subscription's cost per commit is the new rows only, whatever the log's length; the subscription
 * is reopened from its last checkpoint for each slice, which must cost nothing either.
 */
export async function filteredSubscription(store: SqliteEventStore): Promise<FilteredSubscriptionFigure> {
  let checkpoint: number | undefined;
  const head = () => store.db.prepare('SELECT max(position) FROM events').pluck().get() as number;

  /** Opens the subscription after `checkpoint`; resolves `reached` once it is at `target`. */
  function open(target?: number) {
    const subscription = store.subscribe({ after: checkpoint, filter: rare });
    let caughtUp: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (caughtUp = resolve));
    const reading = (async () => {
      for await (const message of subscription.withCheckpoints() as AsyncIterable<SubscriptionMessage>) {
        if (!('checkpoint' in message)) throw new Error(`the bench appends no ${message.type}`);
        checkpoint = message.checkpoint;
        if (target !== undefined && checkpoint >= target) caughtUp();
      }
    })();
    return {
      reached,
      async close() {
        await subscription.close();
        await reading;
      },
    };
  }

  const start = performance.now();
  const first = open(head());
  await first.reached;
  const catchUpSeconds = (performance.now() - start) / 1000;
  await first.close();

  let n = 0;
  const appendOne = () =>
    store
      .append(`bench-${n++ % config.BENCH_STREAMS}`, [{ id: uuidIds.newId(), type: 'ClientNoted', data: eventData(n), metadata }], 'any')
      .then(() => undefined);
  const without = (seconds: number) => measure(seconds, 1, appendOne);
  const withSubscription = async (seconds: number): Promise<Sample> => {
    const subscription = open();
    const sample = await measure(seconds, 1, appendOne);
    await subscription.close();
    return sample;
  };
  const [withoutRate, withRate] = (await interleaved([without, withSubscription])) as [number, number];
  return { withSubscription: withRate, without: withoutRate, catchUpSeconds };
}
