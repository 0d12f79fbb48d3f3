// The client aggregate: commands, events, decider and its read helpers.
export * from './commands.js';
export * from './contact.js';
export * from './decider.js';
export * from './events.js';
export * from './preliminary-data.js';
export * from './state.js';
