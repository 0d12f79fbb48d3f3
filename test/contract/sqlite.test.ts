import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { sqliteEventStore } from '../../adapters/event-store/sqlite.js';
import { eventStoreContract } from './event-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-contract-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fresh file per test; a short poll interval keeps the subscription tests quick.
eventStoreContract('SQLite', async () => sqliteEventStore({ path: join(dir, `store-${++files}.db`), pollIntervalMs: 20 }));
