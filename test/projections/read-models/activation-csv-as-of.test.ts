import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import type { RecordedEvent } from '../../../src/core/envelope.js';

// How activationCsv wires the pieces (which database, which events, which instant), with the client
// list and the activity log stood in for: their own tests cover what they compute.
const seen = vi.hoisted(() => ({ rowsFrom: [] as Array<{ db: unknown; firmId: string; now: string }>, upTo: [] as string[] }));

vi.mock('../../../projections/read-models/client-list.js', () => ({
  clientListProjection: {
    name: 'client-list',
    filter: { eventTypePrefixes: ['Member'] },
    setup: (db: Db) => db.exec('CREATE TABLE IF NOT EXISTS members (name TEXT)'),
    drop: () => undefined,
    apply: (db: Db, event: RecordedEvent) => db.prepare('INSERT INTO members VALUES (?)').run((event.data as { name: string }).name),
  },
  activationRows: function* (db: Db, firmId: string, now: Date) {
    seen.rowsFrom.push({ db, firmId, now: now.toISOString() });
    const names = db.prepare('SELECT name FROM members').pluck().all() as string[];
    for (const name of names) yield { ...blank, memberName: name };
  },
}));
vi.mock('../../../projections/read-models/people.js', () => ({
  peopleProjection: { name: 'people', setup: () => undefined, drop: () => undefined, apply: () => undefined },
}));
vi.mock('../../../projections/read-models/activity.js', () => ({
  firmEventsUpTo: function* (_db: Db, _firmId: string, asOf: string) {
    seen.upTo.push(asOf);
    yield event('MemberAdded', 'Ann');
    yield event('SomethingElse', 'ignored');
    yield event('MemberAdded', 'Bob');
  },
}));

const { activationCsv } = await import('../../../projections/read-models/activation-csv.js');

const blank = {
  client: 'C', clientKind: 'individual', memberName: '', role: 'owner', email: '', loginEmail: '', activationStatus: 'Not invited',
  invitationSentAt: '', invitationExpiresAt: '', lastLoginAt: '', subscription: 'Starter', assignedStaff: '', portalAccess: 'none', folderLinked: 'no',
};

function event(type: string, name: string): RecordedEvent {
  return { id: name, type, streamId: 's', revision: 0, position: 1, data: { name }, metadata: {} as RecordedEvent['metadata'] };
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('activationCsv', () => {
  it('encodes the live client list at `now` without asOf', async () => {
    const live = new Database(':memory:');
    live.exec("CREATE TABLE members (name TEXT); INSERT INTO members VALUES ('Live Member')");
    const now = new Date('2026-12-01T10:00:00.000Z');
    const csv = await text(activationCsv(live, 'firm-1', { bom: false, now }));
    expect(parse(csv).map((r: string[]) => r[2])).toEqual(['Member name', 'Live Member']);
    expect(seen.rowsFrom.at(-1)).toEqual({ db: live, firmId: 'firm-1', now: now.toISOString() });
    expect(seen.upTo).toEqual([]);
  });

  it('with asOf, replays the firm events up to it into a scratch database, worded at asOf, and closes it', async () => {
    const live = new Database(':memory:');
    const asOf = '2026-06-01T00:00:00.000Z';
    const csv = await text(activationCsv(live, 'firm-1', { asOf, bom: true, now: new Date('2026-12-01T10:00:00.000Z') }));
    expect(parse(csv, { bom: true }).map((r: string[]) => r[2])).toEqual(['Member name', 'Ann', 'Bob']);
    expect(seen.upTo).toEqual([asOf]);
    const last = seen.rowsFrom.at(-1)!;
    expect(last.db).not.toBe(live);
    expect(last.now).toBe(asOf);
    expect((last.db as Db).open).toBe(false);
  });

  it('closes the scratch database when the consumer stops early', async () => {
    const live = new Database(':memory:');
    const before = seen.rowsFrom.length;
    for await (const _ of activationCsv(live, 'firm-1', { asOf: '2026-06-01T00:00:00.000Z', bom: false, now: new Date() })) break;
    expect(seen.rowsFrom).toHaveLength(before + 1);
    expect((seen.rowsFrom.at(-1)!.db as Db).open).toBe(false);
  });
});
