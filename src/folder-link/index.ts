// The folder-link aggregate: commands, events, decider and its read helpers.
export * from './commands.js';
export * from './decider.js';
export * from './document-commands.js';
export * from './document-decider.js';
export * from './document-events.js';
export * from './document-name.js';
export * from './document-onedrive.js';
export * from './document-state.js';
export * from './events.js';
export * from './folder-path.js';
export * from './folder-url.js';
