import type { Clock, IdGenerator } from '../../src/core/ports.js';
import { uuidV7 } from './uuid-v7.js';

export const systemClock: Clock = { now: () => new Date() };

/** Time-ordered UUIDs (v7): unique like v4, and kinder to the indexes that store them. */
export const uuidIds: IdGenerator = { newId: () => uuidV7() };
