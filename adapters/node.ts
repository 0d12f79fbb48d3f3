// Node implementations of the small ports: cipher, secrets, clock, ids, blob stores, in-memory key
// store, and outboxes in memory or as .eml files.
export { fsBlobStore, type FsBlobStoreOptions } from './blobs/fs-blob-store.js';
export { memoryBlobStore, type MemoryBlobStore } from './blobs/memory-blob-store.js';
export { aesGcmCipher } from './crypto/aes-gcm.js';
export { memoryKeyStore } from './keys/memory-key-store.js';
export { fileAccessNotificationOutbox, fileInvitationOutbox, type FileOutboxOptions } from './mail/file-outbox.js';
export { memoryAccessNotificationOutbox, memoryInvitationOutbox, type MemoryOutbox } from './mail/memory-outbox.js';
export { systemClock, uuidIds } from './system/clock-and-ids.js';
export { nodeSecrets } from './system/secrets.js';
