// Node implementations of the small ports: cipher, secrets, clock, ids, and in-memory key store and outboxes.
export { aesGcmCipher } from './crypto/aes-gcm.js';
export { memoryKeyStore } from './keys/memory-key-store.js';
export { memoryAccessNotificationOutbox } from './mail/memory-access-notification-outbox.js';
export { memoryInvitationOutbox } from './mail/memory-invitation-outbox.js';
export { systemClock, uuidIds } from './system/clock-and-ids.js';
export { nodeSecrets } from './system/secrets.js';
