// The OneDrive sync process manager: pure decisions over Graph pages; the adapter fetches, downloads and appends.
export * from './decision.js';
export * from './drive-item.js';
export * from './finish-round.js';
export * from './round.js';
export * from './state.js';
export * from './faults.js';
export * from './upload.js';
export * from './report.js';
export * from './quick-xor-hash.js';
