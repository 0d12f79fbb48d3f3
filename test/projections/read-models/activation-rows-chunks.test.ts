import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/core/envelope.js';
import { activationRows, clientListProjection } from '../../../projections/read-models/client-list.js';
import { peopleProjection } from '../../../projections/read-models/people.js';

// The activation rows are read in keyset chunks of clients: whatever the chunk size, the same rows
// in the same order (archived clients in name order among the others, clients without members
// skipped), and no statement open between rows.

let db: Database.Database;
let position = 0;

function emit(type: string, data: Record<string, unknown>) {
  const event = {
    id: `e${++position}`, type, data, streamId: 's', revision: 0, position,
    metadata: { occurredAt: '2026-03-01T10:00:00.000Z', tenantId: 'firm-a', actor: { kind: 'system', name: 'test' }, correlationId: 'c', causationId: 'c', schemaVersion: 1 },
  } as RecordedEvent;
  peopleProjection.apply(db, event);
  clientListProjection.apply(db, event);
}
const client = (clientId: string, name: string, ...members: string[]) =>
  emit('ClientCreated', {
    clientId, firmId: 'firm-a', kind: 'group', name, subscription: 'starter',
    owners: members.map((m) => ({ contactId: `${clientId}-${m}`, name: m, emails: [`${m}@x.example`] })),
  });

beforeEach(() => {
  db = new Database(':memory:');
  peopleProjection.setup(db);
  clientListProjection.setup(db);
  client('c1', 'Delta', 'Dan');
  client('c2', 'alpha', 'Ann', 'Abe');
  client('c3', 'Charlie', 'Cat');
  client('c4', 'Bravo', 'Bob');
  client('c5', 'Echo', 'Eve');
  client('c6', 'Bravo', 'Bea'); // same name: the client id decides
  client('c7', 'Foxtrot');
  client('c8', 'Golf');
  client('c9', 'Hotel', 'Hal');
  emit('ClientArchived', { clientId: 'c3', contactIds: ['c3-Cat'], archivedAt: '2026-03-01T10:00:00.000Z' });
  emit('ClientArchived', { clientId: 'c4', contactIds: ['c4-Bob'], archivedAt: '2026-03-01T10:00:00.000Z' });
  emit('ClientArchived', { clientId: 'c8', contactIds: [], archivedAt: '2026-03-01T10:00:00.000Z' });
});

const now = new Date('2026-03-02T00:00:00.000Z');
const rowsIn = (chunk?: number) => [...activationRows(db, 'firm-a', now, chunk)].map((r) => `${r.client}/${r.memberName}`);

describe('activation rows in chunks', () => {
  it('reads the same rows in client-name order whatever the chunk size', () => {
    const expected = ['alpha/Ann', 'alpha/Abe', 'Bravo/Bob', 'Bravo/Bea', 'Charlie/Cat', 'Delta/Dan', 'Echo/Eve', 'Hotel/Hal'];
    expect(rowsIn()).toEqual(expected);
    for (const chunk of [1, 2, 3, 4, 9, 10]) expect(rowsIn(chunk), `chunk ${chunk}`).toEqual(expected);
  });

  it('holds no statement open between rows, so the connection runs others meanwhile', () => {
    const rows = activationRows(db, 'firm-a', now, 2);
    const seen = [rows.next().value!.memberName];
    for (let next = rows.next(); !next.done; next = rows.next()) {
      db.prepare('UPDATE rm_cl_clients SET document_count = document_count + 1 WHERE client_id = ?').run('c9');
      seen.push(next.value.memberName);
    }
    expect(seen).toHaveLength(8);
  });

  it('reads only the firm asked for', () => {
    expect([...activationRows(db, 'firm-b', now, 2)]).toEqual([]);
  });
});
