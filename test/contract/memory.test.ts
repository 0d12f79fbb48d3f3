import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import { memoryKeyStore } from '../../adapters/keys/memory-key-store.js';
import { eventLogContract } from './event-log.contract.js';
import { eventStoreContract } from './event-store.contract.js';
import { eventStoreEdgeContract } from './event-store-edges.contract.js';
import { subscriptionContract } from './subscription.contract.js';

eventStoreContract('in-memory', async () => memoryEventStore());
eventLogContract('in-memory', async () => ({ store: memoryEventStore(), keys: memoryKeyStore(aesGcmCipher) }));
eventStoreEdgeContract('in-memory', async (limits) => memoryEventStore(limits));
subscriptionContract('in-memory', async () => memoryEventStore());
