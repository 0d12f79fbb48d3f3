import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteEventStore, type SqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { memoryCredentials } from '../../adapters/http/credentials/memory-credentials.js';
import { sqliteCredentials } from '../../adapters/http/credentials/sqlite-credentials.js';
import { credentialsContract } from '../contract/credentials.contract.js';
import { newEvent } from '../contract/event-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'credentials-'));
let files = 0;
let opened: SqliteEventStore[] = [];
afterEach(async () => {
  await Promise.all(opened.map((store) => store.close()));
  opened = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The event store's own file, as the service opens it; without fsyncs, for speed (the bytes written are the same). */
const storeAt = (path: string) => {
  const store = sqliteEventStore({ path, durability: 'normal' });
  opened.push(store);
  return store;
};

/** The database, its WAL and shared-memory file, as bytes. */
const bytesOf = (folder: string) => readdirSync(folder).map((file) => readFileSync(join(folder, file)));

credentialsContract('memory', async ({ now }) => ({ credentials: memoryCredentials({ now }) }), {
  onDisk: false,
  why: 'the memory adapter keeps nothing beyond the process',
});

credentialsContract(
  'SQLite',
  async ({ now }) => {
    const folder = join(dir, `contract-${++files}`);
    mkdirSync(folder);
    const path = join(folder, 'portal.db');
    return {
      credentials: sqliteCredentials(storeAt(path).db, { now }),
      storedBytes: () => bytesOf(folder),
      reopen: async () => {
        await Promise.all(opened.map((store) => store.close()));
        return sqliteCredentials(storeAt(path).db, { now });
      },
    };
  },
  { onDisk: true },
);

describe('SQLite credentials', () => {
  let path: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    path = join(dir, `own-${++files}.db`);
    store = storeAt(path);
  });

  const sessionRows = () => store.db.prepare('SELECT count(*) FROM http_sessions').pluck().get();

  it('sweeps expired sessions that nobody comes back with when sessions are created', async () => {
    const credentials = sqliteCredentials(store.db);
    const t0 = Date.parse('2026-01-15T09:00:00.000Z');
    for (let i = 0; i < 5; i++) await credentials.createSession({ firmId: 'f', contactId: `c${i}`, ttlSeconds: 60, now: new Date(t0) });
    expect(sessionRows()).toBe(5);
    // Within the sweep interval: the expired ones wait for the next sweep.
    await credentials.createSession({ firmId: 'f', contactId: 'late', ttlSeconds: 3600, now: new Date(t0 + 120_000) });
    expect(sessionRows()).toBe(6);
    await credentials.createSession({ firmId: 'f', contactId: 'later', ttlSeconds: 3600, now: new Date(t0 + 11 * 60_000) });
    expect(sessionRows()).toBe(2);
  });

  it('makes one operator token between two processes starting on a new file', async () => {
    const other = new Database(path);
    try {
      const results = [await sqliteCredentials(store.db).ensureOperatorToken(), await sqliteCredentials(other).ensureOperatorToken()];
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(store.db.prepare('SELECT count(*) FROM http_operator_tokens').pluck().get()).toBe(1);
    } finally {
      other.close();
    }
  });

  it('leaves the database open on close: it belongs to the event store', async () => {
    sqliteCredentials(store.db).close();
    expect(store.db.open).toBe(true);
    expect(await store.append('s', [newEvent()], 'any')).toMatchObject({ nextExpectedRevision: 0 });
  });
});
