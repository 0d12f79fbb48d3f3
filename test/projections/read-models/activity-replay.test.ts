import { describe, expect, it } from 'vitest';
import { firmEventsUpTo } from '../../../projections/read-models/activity.js';
import type { RecordedEvent } from '../../../src/core/envelope.js';
import { allEvents, testPortal } from '../../support/portal.js';
import { clientLife, firmWithPat } from './activity-support.js';

const SECRETS = ['tokenHash', 'passwordHash'];

/** What a replay gets of an event: no correlation, causation or writer, no secrets. */
function asReplayed(event: RecordedEvent) {
  const data = Object.fromEntries(Object.entries(event.data as Record<string, unknown>).filter(([key]) => !SECRETS.includes(key)));
  const { occurredAt, tenantId, actor, schemaVersion } = event.metadata;
  return { id: event.id, streamId: event.streamId, revision: event.revision, position: event.position, type: event.type, data, metadata: { occurredAt, tenantId, actor, schemaVersion } };
}

const bookkeeping = (event: RecordedEvent) => event.streamId.startsWith('reservation-') || event.streamId.startsWith('idempotency-');

describe('replaying a firm’s events up to an instant', () => {
  it("gives exactly the firm's events with occurredAt at or before the instant, in log order", async () => {
    const test = testPortal();
    const harbour = await firmWithPat(test, 'Harbour Accounting');
    const ridge = await firmWithPat(test, 'Ridge Tax');
    const { at } = await clientLife(test, harbour.pat);
    await clientLife(test, ridge.pat, 'rob@ridge.example');
    await test.ctx.views();
    const log = (await allEvents(test.ctx)).filter((e) => !bookkeeping(e));

    for (const asOf of [at.created!, at.shared!, at.archived!, '2000-01-01T00:00:00.000Z']) {
      const replayed = [...firmEventsUpTo(test.readModels.db, harbour.firmId, asOf)];
      const expected = log.filter((e) => e.metadata.tenantId === harbour.firmId && e.metadata.occurredAt <= asOf);
      expect(replayed.map(({ metadata: { correlationId, causationId, ...metadata }, ...event }) => ({ ...event, metadata }))).toEqual(expected.map(asReplayed));
      expect(replayed.every((e) => e.metadata.correlationId === '' && e.metadata.causationId === '')).toBe(true);
    }
    expect([...firmEventsUpTo(test.readModels.db, harbour.firmId, at.archived!)].some((e) => e.type === 'InvitationAccepted')).toBe(true);
  });

  it('is an iterator: two replays read side by side give the same events', async () => {
    const test = testPortal();
    const { firmId, pat } = await firmWithPat(test);
    await clientLife(test, pat);
    await test.ctx.views();
    const end = '9999-01-01T00:00:00.000Z';
    const [one, two] = [firmEventsUpTo(test.readModels.db, firmId, end), firmEventsUpTo(test.readModels.db, firmId, end)];
    expect(one.next().value).toMatchObject({ type: 'FirmCreated', revision: 0 });
    const interleaved: string[] = [];
    for (let a = one.next(), b = two.next(); !b.done; b = two.next()) {
      if (!a.done) interleaved.push(a.value.id);
      a = one.next();
    }
    expect(interleaved.length).toBeGreaterThan(10);
    expect([...firmEventsUpTo(test.readModels.db, firmId, end)].slice(1).map((e) => e.id)).toEqual(interleaved);
  });
});
