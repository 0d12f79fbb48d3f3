import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from '../../src/core/ports.js';

export const systemClock: Clock = { now: () => new Date() };

export const uuidIds: IdGenerator = { newId: () => randomUUID() };
