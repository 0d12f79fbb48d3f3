// The document aggregate (one stream per document): commands, events, decider and its read helpers.
export * from './commands.js';
export * from './decider.js';
export * from './events.js';
export * from './folder-path.js';
export * from './name.js';
export * from './onedrive.js';
export * from './state.js';
