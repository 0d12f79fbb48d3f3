// Node implementations of the small ports: cipher, secrets, clock, ids, blob stores, in-memory key
// store, mailers (SMTP, an .eml folder, memory) and the mail process's runner.
export { fsBlobStore, type FsBlobStoreOptions } from './blobs/fs-blob-store.js';
export { memoryBlobStore, type MemoryBlobStore } from './blobs/memory-blob-store.js';
export { aesGcmCipher } from './crypto/aes-gcm.js';
export { memoryKeyStore } from './keys/memory-key-store.js';
export { memoryCheckpoints, sqliteCheckpoints, type CheckpointStore } from './mail/checkpoints.js';
export { emlFolderMailer } from './mail/eml-folder-mailer.js';
export { startMailDelivery, type MailDelivery, type MailDeliveryOptions } from './mail/mail-delivery.js';
export { memoryMailer, type MemoryMailer } from './mail/memory-mailer.js';
export { smtpMailer, type SmtpMailerOptions } from './mail/smtp-mailer.js';
export { systemClock, uuidIds } from './system/clock-and-ids.js';
export { createNodeSecrets, nodeSecrets } from './system/secrets.js';
export { parseTokenKey, tokenKeyFile } from './system/token-key.js';
