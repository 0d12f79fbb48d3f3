// Reads of the log as messages (events and checkpoints), and the two views stores build from them.
import type { RecordedEvent } from './envelope.js';
import type { Subscription, SubscriptionMessage } from './event-store.js';

/** Events per page (or per stretch examined) between turns given back to the event loop. */
export const EVENTS_PER_TURN = 1000;

/**
 * Lets timers, I/O and group commit run. Between pages of a long read: async generators resume
 * through microtasks only, so without it a catch-up over a large log holds the event loop throughout.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The events of a message stream; checkpoints go to `onCheckpoint`. */
export async function* eventsOf(
  messages: AsyncIterable<SubscriptionMessage>,
  onCheckpoint?: (position: number) => void,
): AsyncGenerator<RecordedEvent> {
  for await (const message of messages) {
    if ('checkpoint' in message) onCheckpoint?.(message.checkpoint);
    else yield message;
  }
}

/** A subscription over one message stream: the plain view drops the checkpoints. */
export function subscriptionOf(messages: AsyncIterable<SubscriptionMessage>, close: () => Promise<void>): Subscription {
  return {
    [Symbol.asyncIterator]: () => eventsOf(messages)[Symbol.asyncIterator](),
    withCheckpoints: () => messages,
    close,
  };
}
