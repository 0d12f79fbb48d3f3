/**
 * MSAL's token cache per firm, sealed with AES-256-GCM (key from configuration) in a table of the
 * portal's SQLite file: it holds refresh tokens, so never in clear on disk. An MSAL cache plugin
 * reads it before each token call and writes it back when MSAL changed it.
 */
import type { Database } from 'better-sqlite3';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { aesGcmCipher } from '../crypto/aes-gcm.js';

export interface TokenCacheStore {
  read(firmId: string): string | null;
  write(firmId: string, serialized: string): void;
  delete(firmId: string): void;
}

/** Sealed caches in `onedrive_token_caches` (firm id → base64 of iv ‖ tag ‖ ciphertext). */
export function sqliteTokenCaches(db: Database, key: Uint8Array): TokenCacheStore {
  if (key.byteLength !== 32) throw new Error('The OneDrive token cache key must be 32 bytes.');
  db.exec('CREATE TABLE IF NOT EXISTS onedrive_token_caches (firm_id TEXT PRIMARY KEY, sealed TEXT NOT NULL)');
  const get = db.prepare<[string], { sealed: string }>('SELECT sealed FROM onedrive_token_caches WHERE firm_id = ?');
  const put = db.prepare('INSERT INTO onedrive_token_caches (firm_id, sealed) VALUES (?, ?) ON CONFLICT (firm_id) DO UPDATE SET sealed = excluded.sealed');
  const remove = db.prepare('DELETE FROM onedrive_token_caches WHERE firm_id = ?');
  return {
    read(firmId) {
      const row = get.get(firmId);
      return row === undefined ? null : aesGcmCipher.decrypt(key, row.sealed);
    },
    write: (firmId, serialized) => void put.run(firmId, aesGcmCipher.encrypt(key, serialized)),
    delete: (firmId) => void remove.run(firmId),
  };
}

/** Caches in process memory (tests). */
export function memoryTokenCaches(): TokenCacheStore & { raw: Map<string, string> } {
  const raw = new Map<string, string>();
  return { raw, read: (firmId) => raw.get(firmId) ?? null, write: (firmId, s) => void raw.set(firmId, s), delete: (firmId) => void raw.delete(firmId) };
}

/** The MSAL cache plugin of one firm over the store. */
export function firmCachePlugin(store: TokenCacheStore, firmId: string): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const serialized = store.read(firmId);
      if (serialized !== null) context.tokenCache.deserialize(serialized);
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (context.cacheHasChanged) store.write(firmId, context.tokenCache.serialize());
    },
  };
}
