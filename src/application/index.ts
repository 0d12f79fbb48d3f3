// The application API: createPortal and the types of its inputs and results.
export { AppContext, portalRegistry, type Caller, type PortalDeps } from './context.js';
export { createPortal, type Portal } from './portal.js';
export type { MailProcess, MailProcessOptions } from './mail.js';
export type { BlobCleanup } from './personal-data.js';
export type * from './read-models.js';
