// The firm aggregate: commands, events, decider and its read helpers.
export * from './access.js';
export * from './branding.js';
export * from './effective-branding.js';
export * from './commands.js';
export * from './decider.js';
export * from './events.js';
export * from './names.js';
export * from './onedrive.js';
export * from './partner-portal.js';
export * from './premium-apps.js';
export * from './staff.js';
export * from './state.js';
