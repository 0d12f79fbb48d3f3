import type { Database } from 'better-sqlite3';
import { PortalError, SubjectForgottenError } from '../../src/core/errors.js';
import type { FieldCipher, KeyStore, SubjectKey } from '../../src/core/ports.js';
import { truncateWal, type WalTruncation } from './sqlite-wal.js';

/**
 * Subject keys for crypto-shredding, in the event store's own SQLite file. Deleting a key also erases
 * it from disk; when readers keep the WAL busy past the tries in `erasure`, `delete` rejects with
 * `personal_data.not_erased_on_disk` (the key is deleted all the same; deleting again, or opening
 * the store again, finishes the erasure).
 */
export function sqliteKeyStore(db: Database, cipher: FieldCipher, erasure: WalTruncation = {}): KeyStore {
  // Overwrite freed bytes with zeros, so a deleted key does not linger in the file's free space;
  // the WAL's older copy of the page goes with a truncating checkpoint after each deletion.
  db.pragma('secure_delete = ON');
  db.exec(`
    CREATE TABLE IF NOT EXISTS subject_keys (
      subject_id   TEXT PRIMARY KEY,
      key          BLOB NULL,
      forgotten_at TEXT NULL
    )`);
  const select = db.prepare<[string], { key: Buffer | null; forgotten_at: string | null }>(
    'SELECT key, forgotten_at FROM subject_keys WHERE subject_id = ?',
  );
  const insert = db.prepare<[string, Buffer]>('INSERT INTO subject_keys (subject_id, key) VALUES (?, ?)');
  const forget = db.prepare<[string]>(`
    INSERT INTO subject_keys (subject_id, key, forgotten_at) VALUES (?, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ON CONFLICT (subject_id) DO UPDATE SET key = NULL, forgotten_at = coalesce(forgotten_at, excluded.forgotten_at)`);

  // IMMEDIATE: another process creating the same subject's key waits instead of racing us.
  const getOrCreate = db.transaction((subjectId: string): SubjectKey => {
    const row = select.get(subjectId);
    if (row?.forgotten_at) {
      throw new SubjectForgottenError();
    }
    if (row?.key) return new Uint8Array(row.key);
    const key = cipher.newKey();
    insert.run(subjectId, Buffer.from(key));
    return key;
  });

  // An erasure that readers kept busy last time is finished here, at the next start, if it can be;
  // one quick try, and nothing to report if it cannot: the next deletion tries again and reports.
  truncateWal(db, { attempts: 1 }).catch(() => undefined);

  return {
    async get(subjectId) {
      const key = select.get(subjectId)?.key;
      return key ? new Uint8Array(key) : undefined;
    },
    async getOrCreate(subjectId) {
      return getOrCreate.immediate(subjectId);
    },
    async delete(subjectId) {
      forget.run(subjectId);
      if (!(await truncateWal(db, erasure))) {
        throw new PortalError(
          'personal_data.not_erased_on_disk',
          "The subject's key is deleted, but readers kept SQLite's WAL busy: its bytes may remain on disk until it is deleted again.",
          { subjectId },
        );
      }
    },
    async isForgotten(subjectId) {
      return Boolean(select.get(subjectId)?.forgotten_at);
    },
  };
}
