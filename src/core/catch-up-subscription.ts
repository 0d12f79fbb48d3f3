import type { EventFilter, Subscription, SubscribeOptions, SubscriptionMessage } from './event-store.js';
import { subscriptionOf } from './log-messages.js';

export interface CatchUpSource {
  /**
   * Everything after `after` that passes the filter, with checkpoints wherever the read moved past
   * events the filter skipped; the read ends at the end of the log.
   */
  scan(options: { after?: number; filter?: EventFilter }): AsyncIterable<SubscriptionMessage>;
  /** Resolves on the next append (or after a polling interval, for writers in other processes). */
  nextAppend(): Promise<void>;
}

/**
 * A subscription for stores that can read from a position: it reads everything after the last
 * position it reached, and when nothing is left waits for the next append and reads again. The
 * hand-over from catch-up to live is therefore the same loop, and can neither skip nor repeat.
 * The position moves on over checkpoints too, so each read starts where the filter left off
 * instead of examining the skipped tail of the log again.
 */
export function catchUpSubscription(source: CatchUpSource, options: SubscribeOptions = {}): Subscription {
  let after = options.after;
  let closed = false;
  let wake: (() => void) | undefined;
  const closedSignal = new Promise<void>((resolve) => (wake = resolve));

  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    while (!closed) {
      // Ask for the wake-up before reading, so an append landing during the read is not missed.
      const appended = source.nextAppend();
      let delivered = 0;
      for await (const message of source.scan({ after, filter: options.filter })) {
        if (closed) return;
        const position = 'checkpoint' in message ? message.checkpoint : message.position;
        if (after !== undefined && position <= after) continue;
        after = position;
        if (!('checkpoint' in message)) delivered++;
        yield message;
      }
      if (delivered === 0) await Promise.race([appended, closedSignal]);
    }
  }

  const iterator = messages();
  return subscriptionOf(iterator, async () => {
    closed = true;
    wake?.();
    await iterator.return(undefined);
  });
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
        withCheckpoints: () => subscription.withCheckpoints(),
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
