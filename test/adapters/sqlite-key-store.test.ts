import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteKeyStore } from '../../adapters/event-store/sqlite-key-store.js';
import type { FieldCipher, KeyStore } from '../../src/core/ports.js';

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
