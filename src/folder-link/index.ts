// The folder-link aggregate: commands, events, decider and its read helpers.
export * from './commands.js';
export * from './decider.js';
export * from './events.js';
export * from './folder-url.js';
export * from './resolver.js';
