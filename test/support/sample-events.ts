import type { AppendContext } from '../../src/core/event-log.js';
import { z } from 'zod';
import type { Decider } from '../../src/core/decider.js';
import { defineEvent, EventRegistry, personal, type EventOf } from '../../src/core/events.js';

/** A sample event whose shape changed: v1 had `fullName` and one `email`; v2 has `name` and `emails`. */
export const contactRegistered = defineEvent({
  type: 'ContactRegistered',
  version: 2,
  schema: z.object({
    contactId: z.string(),
    name: personal(z.string().min(1)),
    emails: z.array(personal(z.email())),
    note: z.string().optional(),
  }),
  personal: [{ subject: 'contactId', fields: ['name', 'emails.*'] }],
  upcasters: {
    1: (v1: { contactId: string; fullName: string; email: string }) => ({
      contactId: v1.contactId,
      name: v1.fullName,
      emails: [v1.email],
    }),
  },
});

export const counterIncremented = defineEvent({
  type: 'CounterIncremented',
  version: 1,
  schema: z.object({ by: z.number().int() }),
});

export const sampleRegistry = () => new EventRegistry([contactRegistered, counterIncremented]);

type CounterEvent = EventOf<typeof counterIncremented>;

/** The smallest decider: a counter, for concurrency tests. */
export const counterDecider: Decider<{ type: 'Increment' }, CounterEvent, number> = {
  initialState: 0,
  decide: () => [{ type: 'CounterIncremented', data: { by: 1 } }],
  evolve: (count, event) => count + event.data.by,
};

/** Metadata for appends in tests of the core: one system writer in one firm. */
export const sampleContext: AppendContext = {
  tenantId: 'firm-1',
  actor: { kind: 'system', name: 'test' },
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2026-01-15T09:00:00.000Z',
};
