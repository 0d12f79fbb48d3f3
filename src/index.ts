// client-portal: the pure domain, the event-sourcing core and the application API.
// Adapters (event stores, crypto, secrets) and projections are separate entry points.
export * from './core/index.js';
export * from './application/index.js';
export { streams } from './streams.js';
export * as firm from './firm/index.js';
export * as client from './client/index.js';
export * as invitation from './invitation/index.js';
export * as portalAccess from './portal-access/index.js';
export * as folderLink from './folder-link/index.js';
export * as document from './document/index.js';
export * as sync from './sync/index.js';
export * as notifications from './notifications/index.js';
