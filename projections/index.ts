// Read models built from the event log with checkpoints; always rebuildable by replay.
export * from './memory-target.js';
export * from './runner.js';
export * from './sqlite-target.js';
export * from './read-models/index.js';
