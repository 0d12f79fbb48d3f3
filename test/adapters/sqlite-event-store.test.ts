import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sqliteEventStore, type SqliteEventStore } from '../../adapters/event-store/sqlite.js';
import type { RecordedEvent } from '../../src/core/envelope.js';
import { ConcurrencyError, StoreClosedError, StoreUnavailableError } from '../../src/core/errors.js';
import type { ReadAllOptions } from '../../src/core/event-store.js';
import { newEvent } from '../contract/event-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
let files = 0;
const open: SqliteEventStore[] = [];
const newPath = () => join(dir, `store-${++files}.db`);
function openStore(path = newPath(), options: { durability?: 'full' | 'normal'; pollIntervalMs?: number } = {}) {
  const store = sqliteEventStore({ path, ...options });
  open.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(store: SqliteEventStore, options?: ReadAllOptions): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const event of store.readAll(options)) out.push(event);
  return out;
}

describe('SQLite event store: file and pragmas', () => {
  it('uses WAL, fsyncs every commit by default and waits for a busy writer', () => {
    const { db } = openStore();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });

  it("relaxes to synchronous NORMAL only when asked for 'normal' durability", () => {
    expect(openStore(newPath(), { durability: 'normal' }).db.pragma('synchronous', { simple: true })).toBe(1);
    expect(openStore(newPath(), { durability: 'full' }).db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('keeps events in one table, unique by event id and by stream revision, with never-reused positions', () => {
    const { db } = openStore();
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").pluck().get() as string;
    expect(sql).toMatch(/position\s+INTEGER PRIMARY KEY AUTOINCREMENT/);
    expect(sql).toMatch(/event_id\s+TEXT\s+NOT NULL UNIQUE/);
    expect(sql).toMatch(/UNIQUE \(stream_id, revision\)/);
  });

  it('reads everything back after the file is closed and reopened, and goes on numbering after it', async () => {
    const path = newPath();
    const first = openStore(path);
    await first.append('a', [newEvent('A1'), newEvent('A2')], 'no_stream');
    await first.append('b', [newEvent('B1')], 'no_stream');
    const before = await readAll(first);
    await first.close();

    const reopened = openStore(path);
    expect(await readAll(reopened)).toEqual(before);
    expect((await reopened.readStream('a')).map((e) => e.type)).toEqual(['A1', 'A2']);
    const next = await reopened.append('a', [newEvent('A3')], 1);
    expect(next).toEqual({ nextExpectedRevision: 2, position: before.at(-1)!.position + 1 });
  });

  it('commits appends still queued when closed', async () => {
    const path = newPath();
    const store = openStore(path);
    const pending = store.append('a', [newEvent()], 'no_stream');
    await store.close();
    await expect(pending).resolves.toMatchObject({ nextExpectedRevision: 0 });
    expect(await openStore(path).readStream('a')).toHaveLength(1);
  });

  it('refuses appends after close', async () => {
    const store = openStore();
    await store.close();
    await expect(store.append('a', [newEvent()], 'any')).rejects.toBeInstanceOf(StoreClosedError);
  });
});

describe('SQLite event store: group commit', () => {
  it('commits appends arriving in the same turn of the event loop in one transaction', async () => {
    const store = openStore();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.append(`s-${i}`, [newEvent(), newEvent()], 'no_stream')),
    );
    expect(store.commits).toBe(1);
    expect(results.every((r) => r.nextExpectedRevision === 1)).toBe(true);
    expect(new Set(results.map((r) => r.position)).size).toBe(50);
  });

  it('refuses a conflicting member alone: the rest of the group still commits', async () => {
    const store = openStore();
    await store.append('b', [newEvent()], 'no_stream');
    const commitsBefore = store.commits;
    const outcomes = await Promise.allSettled([
      store.append('a', [newEvent()], 'no_stream'),
      store.append('b', [newEvent(), newEvent()], 'no_stream'),
      store.append('c', [newEvent()], 'no_stream'),
    ]);
    expect(store.commits).toBe(commitsBefore + 1);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ expected: 'no_stream', actual: 0 });
    expect(await store.readStream('b')).toHaveLength(1);
    expect((await readAll(store)).map((e) => e.streamId)).toEqual(['b', 'a', 'c']);
  });

  it('checks each member against the members before it in the same group', async () => {
    const store = openStore();
    const [first, second, stale] = await Promise.allSettled([
      store.append('s', [newEvent()], 'no_stream'),
      store.append('s', [newEvent()], 0),
      store.append('s', [newEvent()], 'no_stream'),
    ]);
    expect(store.commits).toBe(1);
    expect(first).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
    expect(second).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
    expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(ConcurrencyError) });
    expect((stale as PromiseRejectedResult).reason).toMatchObject({ actual: 1 });
  });

  it('rolls back a member that fails part-way through its batch, and only that member', async () => {
    const store = openStore();
    // An id taken by another stream passes every check before the insert, so the member fails
    // after its first event is already inserted.
    const taken = newEvent();
    await store.append('elsewhere', [taken], 'no_stream');
    const [bad, good] = await Promise.allSettled([
      store.append('bad', [newEvent(), taken], 'any'),
      store.append('good', [newEvent()], 'any'),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
    expect((await readAll(store)).map((e) => e.streamId)).toEqual(['elsewhere', 'good']);
  });

  it('reports every member as unavailable when the file cannot be written', async () => {
    const path = newPath();
    const store = openStore(path);
    store.db.pragma('busy_timeout = 20');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const outcomes = await Promise.allSettled([store.append('a', [newEvent()], 'any'), store.append('b', [newEvent()], 'any')]);
    other.exec('ROLLBACK');
    other.close();
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(StoreUnavailableError) });
    }
    await expect(store.append('a', [newEvent()], 'no_stream')).resolves.toMatchObject({ nextExpectedRevision: 0 });
  });

  it('treats a retry within the same group as the same append', async () => {
    const store = openStore();
    const events = [newEvent(), newEvent()];
    const [original, retry] = await Promise.all([
      store.append('s', events, 'no_stream'),
      store.append('s', events, 'no_stream'),
    ]);
    expect(retry).toEqual(original);
    expect(await store.readStream('s')).toHaveLength(2);
  });
});

describe('SQLite event store: reading', () => {
  it('pushes prefix filters into SQL without treating % and _ as wildcards or ignoring case', async () => {
    const store = openStore();
    for (const stream of ['a%b-1', 'axb-1', 'a_c', 'abc', 'Zoë-1', 'Zoe-1']) {
      await store.append(stream, [newEvent('ClientCreated'), newEvent('client_noted')], 'any');
    }
    const streams = async (prefixes: string[], types?: string[]) =>
      [...new Set((await readAll(store, { filter: { streamPrefixes: prefixes, eventTypePrefixes: types } })).map((e) => e.streamId))];
    expect(await streams(['a%'])).toEqual(['a%b-1']);
    expect(await streams(['a_'])).toEqual(['a_c']);
    expect(await streams(['Zoë'])).toEqual(['Zoë-1']);
    expect(await streams(['a%', 'a_'])).toEqual(['a%b-1', 'a_c']);
    const types = await readAll(store, { filter: { eventTypePrefixes: ['client_'], streamPrefixes: ['abc'] } });
    expect(types.map((e) => e.type)).toEqual(['client_noted']);
  });

  it('reads the log in pages, honouring maxCount and after across page boundaries', async () => {
    const store = openStore();
    const events = Array.from({ length: 2500 }, (_, i) => newEvent('N', { i }));
    await store.append('big', events, 'no_stream');
    expect(await readAll(store)).toHaveLength(2500);
    const slice = await readAll(store, { after: 900, maxCount: 1200 });
    expect(slice.map((e) => e.position)).toEqual(Array.from({ length: 1200 }, (_, i) => 901 + i));
  });

  it('lets appends commit while a reader is part-way through the log', async () => {
    const store = openStore();
    await store.append('big', Array.from({ length: 1500 }, () => newEvent()), 'no_stream');
    let seen = 0;
    for await (const _ of store.readAll()) {
      if (++seen === 10) await store.append('other', [newEvent()], 'no_stream');
    }
    expect(seen).toBe(1501);
  });

  it('delivers to a subscription what another process (connection) appends to the same file', async () => {
    const path = newPath();
    const reader = openStore(path, { pollIntervalMs: 10 });
    const writer = openStore(path);
    const subscription = reader.subscribe();
    const received = (async () => {
      for await (const event of subscription) return event.type;
    })();
    await writer.append('s', [newEvent('FromElsewhere')], 'no_stream');
    await expect(received).resolves.toBe('FromElsewhere');
    await subscription.close();
  });

  it('closes its open subscriptions when the store closes', async () => {
    const store = sqliteEventStore({ path: newPath() });
    const iterating = (async () => {
      for await (const _ of store.subscribe()) return 'event';
      return 'closed';
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await store.close();
    await expect(iterating).resolves.toBe('closed');
  });
});
