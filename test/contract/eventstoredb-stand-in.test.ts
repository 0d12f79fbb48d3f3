import {
  EventStoreDBClient,
  InvalidTransactionError,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { eventStoreDbEventStore } from '../../adapters/event-store/eventstoredb.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { startEsdbStandIn, type EsdbStandIn } from '../support/esdb-stand-in.js';
import { eventLogContract } from './event-log.contract.js';
import { eventStoreContract, newEvent } from './event-store.contract.js';
import { eventStoreEdgeContract } from './event-store-edges.contract.js';
import { subscriptionContract } from './subscription.contract.js';

// The real @eventstore/db-client and our adapter, end to end over gRPC, against an in-memory
// loopback stand-in (test/support/esdb-stand-in.ts) rather than a server. An extra check in every
// run; the contract against a real EventStoreDB is eventstoredb.test.ts (EVENTSTORE_URL).
let standIn: EsdbStandIn | undefined;
beforeAll(async () => {
  standIn = await startEsdbStandIn();
});
afterAll(async () => {
  await standIn?.close();
});

const name = 'EventStoreDB client against the loopback stand-in (not a real server)';
const store = async () => eventStoreDbEventStore({ connectionString: standIn!.connectionString });

eventStoreContract(name, store, { eventIdsUniqueAcrossStreams: false, sharedLog: true });
eventStoreEdgeContract(name, async (limits) => eventStoreDbEventStore({ connectionString: standIn!.connectionString, ...limits }), {
  bestEffortIdempotency: true,
});
eventLogContract(name, async () => ({ store: await store(), keys: memoryKeyStore(aesGcmCipher) }));
subscriptionContract(name, store);

// The server behaviour the adapter relies on, checked on the stand-in through the raw client, so
// the stand-in cannot drift from what the reference notes document for the real server.
describe('The loopback EventStoreDB stand-in itself (not a real server)', () => {
  it('answers as the server does where the adapter relies on it', async () => {
    const client = EventStoreDBClient.connectionString(standIn!.connectionString);
    try {
      const stream = `standin-${randomUUID()}`;
      const first = await client.appendToStream(stream, [jsonEvent({ type: 'A', data: {} })], { expectedRevision: NO_STREAM });
      expect(first.nextExpectedRevision).toBe(0n);
      expect(first.position!.commit).toBe(first.position!.prepare);
      const second = await client.appendToStream(stream, [jsonEvent({ type: 'B', data: {} })], { expectedRevision: 0n });
      expect(second.position!.commit).toBeGreaterThan(first.position!.commit);

      const refused = await client.appendToStream(stream, [jsonEvent({ type: 'C', data: {} })], { expectedRevision: 5n }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WrongExpectedVersionError);
      expect(refused).toMatchObject({ expectedVersion: 5n, actualVersion: 1n });

      // A batch that matches an earlier one only in part is "invalid transaction" (the adapter's conflict).
      const partial = `standin-${randomUUID()}`;
      const [x, y] = [jsonEvent({ type: 'X', data: {} }), jsonEvent({ type: 'Y', data: {} })];
      await client.appendToStream(partial, [x, y], { expectedRevision: NO_STREAM });
      const again = await client.appendToStream(partial, [x, y], { expectedRevision: NO_STREAM });
      expect(again.nextExpectedRevision).toBe(1n);
      const mixed = client.appendToStream(partial, [x, jsonEvent({ type: 'Z', data: {} })], { expectedRevision: NO_STREAM });
      await expect(mixed).rejects.toBeInstanceOf(InvalidTransactionError);

      const missing = (async () => {
        for await (const _ of client.readStream(`standin-${randomUUID()}`)) return;
      })();
      await expect(missing).rejects.toBeInstanceOf(StreamNotFoundError);

      // $all starts with the server's own events; reading from a position includes the event there.
      const [start] = await collect(client.readAll({ maxCount: 1 }));
      expect(start!.event!.streamId.startsWith('$')).toBe(true);
      const [from] = await collect(client.readAll({ fromPosition: first.position!, maxCount: 1 }));
      expect(from!.event!.type).toBe('A');

      // A subscription from a position starts after it.
      const subscription = client.subscribeToAll({ fromPosition: first.position!, filter: streamNameFilter({ prefixes: [stream] }) });
      const [next] = await collect(subscription, 1);
      await subscription.unsubscribe();
      expect(next!.event!.type).toBe('B');
    } finally {
      await client.dispose();
    }
  });

  it("reads the last position past the server's own events: none on a log with only those", async () => {
    const fresh = await startEsdbStandIn();
    const adapter = eventStoreDbEventStore({ connectionString: fresh.connectionString });
    try {
      expect(await adapter.lastPosition()).toBeUndefined();
      const appended = await adapter.append(`standin-${randomUUID()}`, [newEvent()], 'any');
      expect(await adapter.lastPosition()).toBe(appended.position);
    } finally {
      await adapter.close();
      await fresh.close();
    }
  });

  it('hands the adapter system events, which it skips', async () => {
    const adapter = await store();
    try {
      await adapter.append(`standin-${randomUUID()}`, [newEvent()], 'any');
      const [first] = await collect(adapter.readAll(), 1);
      expect(first!.streamId.startsWith('$')).toBe(false);
    } finally {
      await adapter.close();
    }
  });
});

async function collect<T>(iterable: AsyncIterable<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
