import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { aesGcmCipher } from '../../adapters/crypto/aes-gcm.js';
import { sqliteKeyStore } from '../../adapters/event-store/sqlite-key-store.js';
import { sqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { eventLogContract } from './event-log.contract.js';
import { eventStoreContract } from './event-store.contract.js';
import { eventStoreEdgeContract } from './event-store-edges.contract.js';
import { subscriptionContract } from './subscription.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-contract-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fresh file per test; a short poll interval keeps the subscription tests quick.
eventStoreContract('SQLite', async () => sqliteEventStore({ path: join(dir, `store-${++files}.db`), pollIntervalMs: 20 }));

eventStoreEdgeContract('SQLite', async (limits) =>
  sqliteEventStore({ path: join(dir, `edges-${++files}.db`), pollIntervalMs: 20, ...limits }),
);

eventLogContract('SQLite', async () => {
  const store = sqliteEventStore({ path: join(dir, `log-${++files}.db`), pollIntervalMs: 20 });
  return { store, keys: sqliteKeyStore(store.db, aesGcmCipher) };
});

subscriptionContract('SQLite', async () => sqliteEventStore({ path: join(dir, `sub-${++files}.db`), pollIntervalMs: 20 }));
