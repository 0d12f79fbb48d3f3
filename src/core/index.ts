// The event-sourcing core: envelope, revisions, errors, ports, deciders, event log, command handling.
export * from './catch-up-subscription.js';
export * from './command-handler.js';
export * from './decider.js';
export * from './email.js';
export * from './envelope.js';
export * from './errors.js';
export * from './event-log.js';
export * from './event-store.js';
export * from './events.js';
export * from './personal-data.js';
export * from './ports.js';
export * from './reservation.js';
export * from './revision.js';
export * from './state-cache.js';
export * from './validate.js';
