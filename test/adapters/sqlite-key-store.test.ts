import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { sqliteKeyStore } from '../../adapters/event-store/sqlite-key-store.js';
import { sqliteEventStore, type SqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { EventLog } from '../../src/core/event-log.js';
import type { FieldCipher, KeyStore } from '../../src/core/ports.js';
import { sampleRegistry } from '../support/sample-events.js';

// Only newKey matters to the key store; encryption belongs to the cipher's own tests.
const cipher: FieldCipher = {
  newKey: () => new Uint8Array(randomBytes(32)),
  encrypt: () => {
    throw new Error('not used');
  },
  decrypt: () => {
    throw new Error('not used');
  },
};

describe('SQLite key store', () => {
  let db: Database.Database;
  let keys: KeyStore;
  beforeEach(() => {
    db = new Database(':memory:');
    keys = sqliteKeyStore(db, cipher);
  });
  afterEach(() => {
    db.close();
  });

  it('creates a key once and returns the same key afterwards', async () => {
    expect(await keys.get('s1')).toBeUndefined();
    const key = await keys.getOrCreate('s1');
    expect(key).toHaveLength(32);
    expect(await keys.getOrCreate('s1')).toEqual(key);
    expect(await keys.get('s1')).toEqual(key);
  });

  it('forgets a subject: the key is gone and no new key is ever made for it', async () => {
    await keys.getOrCreate('s1');
    await keys.delete('s1');
    expect(await keys.get('s1')).toBeUndefined();
    expect(await keys.isForgotten('s1')).toBe(true);
    await expect(keys.getOrCreate('s1')).rejects.toMatchObject({ code: 'personal_data.subject_forgotten' });
    const row = db.prepare('SELECT key, forgotten_at FROM subject_keys WHERE subject_id = ?').get('s1');
    expect(row).toMatchObject({ key: null, forgotten_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('remembers a subject forgotten before any key was made', async () => {
    await keys.delete('never-keyed');
    expect(await keys.isForgotten('never-keyed')).toBe(true);
    await expect(keys.getOrCreate('never-keyed')).rejects.toMatchObject({ code: 'personal_data.subject_forgotten' });
    expect(await keys.isForgotten('other')).toBe(false);
  });
});

describe('SQLite key store on disk', () => {
  let dir: string;
  let store: SqliteEventStore;
  let keys: KeyStore;
  let log: EventLog;
  const context = {
    tenantId: 'firm-1',
    actor: { kind: 'system' as const, name: 'test' },
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2026-01-15T09:00:00.000Z',
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'key-store-'));
    // Without fsyncs, for speed: what the files hold is the same, only its durability differs.
    store = sqliteEventStore({ path: join(dir, 'portal.db'), durability: 'normal' });
    keys = sqliteKeyStore(store.db, aesGcmCipher);
    log = new EventLog({ store, keys, cipher: aesGcmCipher, registry: sampleRegistry(), ids: { newId: () => randomUUID() } });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The store's files (database, -wal, -shm) that hold any 8 consecutive bytes of a key: a partly overwritten key counts. */
  const filesHolding = (key: Uint8Array) => {
    const pieces = [0, 8, 16, 24].map((at) => Buffer.from(key.subarray(at, at + 8)));
    return readdirSync(dir).filter((file) => {
      const content = readFileSync(join(dir, file));
      return pieces.some((piece) => content.includes(piece));
    });
  };
  const register = (contactId: string) => ({ type: 'ContactRegistered', data: { contactId, name: 'Ada', emails: ['ada@example.com'] } });

  it('leaves no byte of a forgotten key in any file of the store', async () => {
    await log.append('contacts', [register('early')], 'any', context);
    store.db.pragma('wal_checkpoint(PASSIVE)'); // so this key is in the database file, not only the WAL
    await log.append('contacts', [register('late'), register('kept')], 'any', context);
    const early = (await keys.get('early'))!;
    const late = (await keys.get('late'))!;
    expect(filesHolding(early)).toContain('portal.db');
    expect(filesHolding(late)).toContain('portal.db-wal');

    await log.forget('early', context);
    await log.forget('late', context);

    expect(filesHolding(early)).toEqual([]);
    expect(filesHolding(late)).toEqual([]);
    expect(await keys.get('kept')).toBeDefined();
  });

  it('leaves no byte of forgotten keys spread over many pages, between keys that stay', async () => {
    const subjects = Array.from({ length: 300 }, (_, i) => `subject-${i}`);
    for (const subject of subjects) await keys.getOrCreate(subject);
    store.db.pragma('wal_checkpoint(PASSIVE)');
    const forgotten = subjects.filter((_, i) => i % 3 === 1);
    const forgottenKeys = await Promise.all(forgotten.map(async (subject) => (await keys.get(subject))!));
    for (const subject of forgotten) await keys.delete(subject);
    expect(forgottenKeys.filter((key) => filesHolding(key).length > 0)).toEqual([]);
  });

  it('reports a key it could not erase from disk while a reader holds the WAL, and erases it when deleted again', async () => {
    await log.append('contacts', [register('ada')], 'any', context);
    const ada = (await keys.get('ada'))!;
    const reader = new Database(join(dir, 'portal.db'));
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM subject_keys').get(); // holds a snapshot that still has the key
    const patient = sqliteKeyStore(store.db, aesGcmCipher, { attempts: 3, retryMs: 1 });
    await expect(patient.delete('ada')).rejects.toMatchObject({ code: 'personal_data.not_erased_on_disk' });
    await expect(patient.isForgotten('ada')).resolves.toBe(true);
    expect(filesHolding(ada)).toContain('portal.db-wal');

    reader.exec('COMMIT');
    reader.close();
    await patient.delete('ada');
    expect(filesHolding(ada)).toEqual([]);
  });

  it('finishes an erasure that readers kept busy when the key store is opened again', async () => {
    await log.append('contacts', [register('ada')], 'any', context);
    const ada = (await keys.get('ada'))!;
    const reader = new Database(join(dir, 'portal.db'));
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM subject_keys').get();
    await expect(sqliteKeyStore(store.db, aesGcmCipher, { attempts: 1 }).delete('ada')).rejects.toMatchObject({
      code: 'personal_data.not_erased_on_disk',
    });
    reader.exec('COMMIT');
    reader.close();
    sqliteKeyStore(store.db, aesGcmCipher);
    expect(filesHolding(ada)).toEqual([]);
  });

  it('waits for a transaction open on its connection before truncating the WAL', async () => {
    await log.append('contacts', [register('ada')], 'any', context);
    const ada = (await keys.get('ada'))!;
    store.db.exec('BEGIN');
    const deleted = keys.delete('ada');
    store.db.exec('COMMIT');
    await deleted;
    expect(filesHolding(ada)).toEqual([]);
  });
});
