import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import { ConcurrencyError, DuplicateEventIdError, EventTooLargeError, StoredEventParseError } from '../../src/core/errors.js';
import { EventLog } from '../../src/core/event-log.js';
import { EventRegistry } from '../../src/core/events.js';
import { reservationEvents, reserve } from '../../src/core/reservation.js';
import { streams } from '../../src/streams.js';

// Errors can reach an API caller (a command that kept conflicting, a taken value); stream ids and
// reservation keys hold contact and client ids, so their messages must not carry them.
const contactId = 'contact-0190f2a4-7c1e';

describe('store and reservation errors name no data subject', () => {
  it('keeps the stream id out of the message, and on the error for logs', () => {
    const streamId = streams.portalAccess(contactId);
    const errors = [
      new ConcurrencyError(streamId, 3, 4),
      new StoredEventParseError(streamId, 2, 'PortalAccessOpened', 'bad'),
      new DuplicateEventIdError(randomUUID(), streamId, 'changed'),
      new EventTooLargeError(streamId, 1024),
    ];
    for (const error of errors) {
      expect(error.message).not.toContain(contactId);
      expect(error.details).toMatchObject({ streamId });
    }
  });

  it('keeps the reservation key out of a taken refusal', async () => {
    const ids = { newId: () => randomUUID() };
    const deps = { log: new EventLog({ store: memoryEventStore(), registry: new EventRegistry(reservationEvents), ids }), ids, clock: { now: () => new Date() } };
    const meta = { tenantId: 'firm-1', actor: { kind: 'system' as const, name: 'test' } };
    const claim = (ownerId: string) => ({ kind: 'onedrive-item', key: `onedrive:${contactId}:D1!400`, ownerId });
    await reserve(deps, claim('document-1'), meta);
    const error = await reserve(deps, claim('document-2'), meta).then(() => undefined, (e: unknown) => e as Error & { details: unknown });
    expect(error?.message).toBe('This onedrive-item is already taken.');
    expect(JSON.stringify(error?.details)).not.toContain(contactId);
  });
});
