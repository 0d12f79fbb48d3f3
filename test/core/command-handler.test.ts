import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import { handleCommand } from '../../src/core/command-handler.js';
import type { Decider } from '../../src/core/decider.js';
import { DomainError } from '../../src/core/errors.js';
import type { EventStore } from '../../src/core/event-store.js';
import { EventLog } from '../../src/core/event-log.js';
import { counterDecider, counterIncremented, sampleRegistry } from '../support/sample-events.js';

const meta = { tenantId: 'firm-1', actor: { kind: 'staff' as const, userId: 'u-1' }, correlationId: 'req-1' };
const clock = { now: () => new Date('2026-01-15T09:00:00Z') };
const ids = { newId: () => randomUUID() };
const deps = (store: EventStore = memoryEventStore()) => ({ log: new EventLog({ store, registry: sampleRegistry(), ids }), clock, ids });

describe('command handler', () => {
  it('appends the decided events with metadata and returns the new revision and state', async () => {
    const d = deps();
    await handleCommand(d, counterDecider, 'counter-1', { type: 'Increment' }, meta);
    const result = await handleCommand(d, counterDecider, 'counter-1', { type: 'Increment' }, meta);
    expect(result).toMatchObject({ nextExpectedRevision: 1, state: 2, events: [{ type: 'CounterIncremented' }] });
    const [event] = await d.log.readStream('counter-1');
    expect(event!.metadata).toMatchObject({
      tenantId: 'firm-1',
      actor: { kind: 'staff', userId: 'u-1' },
      correlationId: 'req-1',
      causationId: 'req-1',
      occurredAt: '2026-01-15T09:00:00.000Z',
      schemaVersion: 1,
    });
  });

  it('appends nothing when the decision is to do nothing', async () => {
    const idle: Decider<unknown, never, null> = { initialState: null, decide: () => [], evolve: (s) => s };
    const result = await handleCommand(deps(), idle, 's', {}, meta);
    expect(result).toEqual({ events: [], nextExpectedRevision: 'no_stream', position: null, state: null });
  });

  it('passes domain errors through untouched and appends nothing', async () => {
    const d = deps();
    const refusing: Decider<unknown, never, null> = {
      initialState: null,
      decide: () => {
        throw new DomainError('thing.refused', 'No.');
      },
      evolve: (s) => s,
    };
    await expect(handleCommand(d, refusing, 's', {}, meta)).rejects.toMatchObject({ code: 'thing.refused' });
    expect(await d.log.readStream('s')).toEqual([]);
  });

  it('gives up after the bounded number of attempts when conflicts never stop', async () => {
    const store = memoryEventStore();
    const d = deps(store);
    let sneaks = 0;
    // Another writer slips an event in between every load and append.
    const racing: Decider<unknown, typeof counterIncremented extends never ? never : any, number> = {
      ...counterDecider,
      decide: (c, s, ctx) => {
        sneaks++;
        void d.log.append('hot', [{ type: 'CounterIncremented', data: { by: 1 } }], 'any', {
          ...meta, correlationId: 'x', causationId: 'x', occurredAt: ctx.now.toISOString(),
        });
        return counterDecider.decide(c as never, s, ctx);
      },
    };
    await expect(handleCommand(d, racing, 'hot', {}, meta, { maxAttempts: 3 })).rejects.toMatchObject({
      code: 'store.wrong_expected_revision',
    });
    expect(sneaks).toBe(3);
  });
});
