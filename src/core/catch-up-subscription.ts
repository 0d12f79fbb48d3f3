import type { RecordedEvent } from './envelope.js';
import type { ReadAllOptions, Subscription, SubscribeOptions } from './event-store.js';

export interface CatchUpSource {
  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Resolves on the next append (or after a polling interval, for writers in other processes). */
  nextAppend(): Promise<void>;
}

/**
 * A subscription for stores that can read from a position: it reads everything after the last
 * delivered position, and when nothing is left waits for the next append and reads again. The
 * hand-over from catch-up to live is therefore the same loop, and can neither skip nor repeat.
 */
export function catchUpSubscription(source: CatchUpSource, options: SubscribeOptions = {}): Subscription {
  let after = options.after;
  let closed = false;
  let wake: (() => void) | undefined;
  const closedSignal = new Promise<void>((resolve) => (wake = resolve));

  async function* events(): AsyncGenerator<RecordedEvent> {
    while (!closed) {
      // Ask for the wake-up before reading, so an append landing during the read is not missed.
      const appended = source.nextAppend();
      let delivered = 0;
      for await (const event of source.readAll({ after, filter: options.filter })) {
        if (closed) return;
        // Position moves on past filtered-out events too, through the event we just saw.
        after = event.position;
        delivered++;
        yield event;
      }
      if (delivered === 0) await Promise.race([appended, closedSignal]);
    }
  }

  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      wake?.();
      await iterator.return(undefined);
    },
  };
}

/** The subscriptions a store has open, so that closing the store ends them all. */
export function openSubscriptions() {
  const open = new Set<Subscription>();
  return {
    /** Wraps a subscription so that closing it also forgets it. */
    track(subscription: Subscription): Subscription {
      open.add(subscription);
      return {
        [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
        async close() {
          open.delete(subscription);
          await subscription.close();
        },
      };
    },
    async closeAll(): Promise<void> {
      await Promise.all([...open].map((s) => s.close()));
      open.clear();
    },
  };
}
