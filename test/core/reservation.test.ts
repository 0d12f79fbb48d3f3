import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryEventStore } from '../../adapters/event-store/memory.js';
import { EventLog } from '../../src/core/event-log.js';
import { EventRegistry } from '../../src/core/events.js';
import { release, reservationEvents, reserve } from '../../src/core/reservation.js';

function deps() {
  const ids = { newId: () => randomUUID() };
  const log = new EventLog({ store: memoryEventStore(), registry: new EventRegistry(reservationEvents), ids });
  return { log, ids, clock: { now: () => new Date('2026-01-15T09:00:00Z') } };
}
const meta = { tenantId: 'firm-1', actor: { kind: 'system' as const, name: 'test' } };
const name = (ownerId: string) => ({ kind: 'company-name', key: 'acme ltd', ownerId });

describe('reservations', () => {
  it('lets exactly one of many concurrent claims win', async () => {
    const d = deps();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => reserve(d, name(`company-${i}`), meta)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'reservation.taken' });
    }
  });

  it('is idempotent for the holder', async () => {
    const d = deps();
    await reserve(d, name('a'), meta);
    await expect(reserve(d, name('a'), meta)).resolves.toBeUndefined();
    expect(await d.log.readStream('reservation-company-name-acme%20ltd')).toHaveLength(1);
  });

  it('can be claimed again once released, and only the holder releases', async () => {
    const d = deps();
    await reserve(d, name('a'), meta);
    await release(d, name('b'), meta);
    await expect(reserve(d, name('b'), meta)).rejects.toMatchObject({ code: 'reservation.taken' });
    await release(d, name('a'), meta);
    await expect(reserve(d, name('b'), meta)).resolves.toBeUndefined();
  });
});
