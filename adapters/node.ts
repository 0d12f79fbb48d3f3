// Node implementations of the small ports: cipher, secrets, clock, ids, and in-memory key store and outboxes.
export { aesGcmCipher } from './crypto/aes-gcm.js';
export { memoryKeyStore } from './keys/memory-key-store.js';
export { memoryAccessNotificationOutbox, memoryInvitationOutbox, type MemoryOutbox } from './mail/memory-outbox.js';
export { systemClock, uuidIds } from './system/clock-and-ids.js';
export { nodeSecrets } from './system/secrets.js';
