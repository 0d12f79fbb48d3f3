import { describe, it } from 'vitest';
import { eventStoreDbEventStore } from '../../adapters/event-store/eventstoredb.js';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { eventLogContract } from './event-log.contract.js';
import { eventStoreContract } from './event-store.contract.js';
import { eventStoreEdgeContract } from './event-store-edges.contract.js';
import { subscriptionContract } from './subscription.contract.js';

// A real server keeps its data between runs; the contract prefixes every stream per test and
// filters global reads on that prefix, so runs do not see each other's events.
const url = process.env.EVENTSTORE_URL;

if (url) {
  const store = async () => eventStoreDbEventStore({ connectionString: url });
  eventStoreContract(`EventStoreDB at ${url}`, store, { eventIdsUniqueAcrossStreams: false, sharedLog: true });
  eventStoreEdgeContract(`EventStoreDB at ${url}`, async (limits) => eventStoreDbEventStore({ connectionString: url, ...limits }), {
    bestEffortIdempotency: true,
  });
  eventLogContract(`EventStoreDB at ${url}`, async () => ({ store: await store(), keys: memoryKeyStore(aesGcmCipher) }));
  subscriptionContract(`EventStoreDB at ${url}`, store);
} else {
  const reason = 'EVENTSTORE_URL not set (e.g. esdb://localhost:2113?tls=false): no EventStoreDB server to run the contract against';
  // The default reporter prints only a count of skipped tests, so the reason is also logged.
  console.info(`EventStoreDB contract skipped: ${reason}`);
  describe('EventStore contract: EventStoreDB', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
}
