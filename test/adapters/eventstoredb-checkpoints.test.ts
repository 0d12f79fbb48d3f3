import type { AllStreamResolvedEvent, EventStoreDBClient, Filter, Position } from '@eventstore/db-client';
import { Transform } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eventStoreDbEventStore } from '../../adapters/event-store/eventstoredb.js';
import type { SubscriptionMessage } from '../../src/core/event-store.js';

const resolved = (position: bigint, type = 'ClientCreated'): AllStreamResolvedEvent =>
  ({
    event: {
      streamId: 'client-1',
      id: '6f1e7c3a-2b4d-4e8f-9a0b-1c2d3e4f5a6b',
      revision: 0n,
      type,
      data: {},
      metadata: {},
      isJson: true,
      created: new Date(0),
      position: { commit: position, prepare: position },
    },
  }) as AllStreamResolvedEvent;

/**
 * A client whose subscription behaves as the real one does with filter checkpoints: a Transform
 * that, for a checkpoint message, awaits `checkpointReached(subscription, position)` before going on.
 */
function clientSending(messages: Array<AllStreamResolvedEvent | Position>): EventStoreDBClient {
  return {
    subscribeToAll: ({ filter }: { filter: Filter }) => {
      const subscription = new Transform({
        objectMode: true,
        async transform(message: AllStreamResolvedEvent | Position, _encoding, next) {
          if ('commit' in message) {
            await filter.checkpointReached?.(subscription as never, message);
            return next();
          }
          next(null, message);
        },
      });
      for (const message of messages) subscription.write(message);
      return Object.assign(subscription, { unsubscribe: async () => undefined });
    },
  } as unknown as EventStoreDBClient;
}

describe('EventStoreDB adapter: filter checkpoints', () => {
  it("turns the server's checkpoints into { checkpoint } messages, in order with the events", async () => {
    const at = (n: bigint): Position => ({ commit: n, prepare: n });
    const store = eventStoreDbEventStore({
      client: clientSending([resolved(10n), at(40n), resolved(50n), at(45n), at(90n), resolved(120n)]),
    });
    const subscription = store.subscribe({ filter: { eventTypePrefixes: ['Client'] } });
    const seen: Array<number | string> = [];
    for await (const message of subscription.withCheckpoints() as AsyncIterable<SubscriptionMessage>) {
      seen.push('checkpoint' in message ? `checkpoint ${message.checkpoint}` : message.position);
      if (seen.length === 5) break;
    }
    await subscription.close();
    await store.close();
    // A checkpoint behind what was delivered (45 after 50) says nothing new and is dropped.
    expect(seen).toEqual([10, 'checkpoint 40', 50, 'checkpoint 90', 120]);
  });
});
