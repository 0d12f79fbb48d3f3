// Rebuild of every read model over a portal log, beside the core's readAll over the same log.
import type { Database } from 'better-sqlite3';
import { aesGcmCipher } from '../adapters/crypto/aes-gcm.js';
import { sqliteKeyStore } from '../adapters/event-store/sqlite-key-store.js';
import type { SqliteEventStore } from '../adapters/event-store/sqlite.js';
import { uuidIds } from '../adapters/system/clock-and-ids.js';
import { sqliteReadModels } from '../projections/read-models/index.js';
import { portalRegistry } from '../src/application/context.js';
import { EventLog } from '../src/core/event-log.js';
import { countEvents, firmHistory, type HistoryShape } from './portal-history.js';

const firmShape = (n: number): HistoryShape => ({
  firmId: `firm-${n.toString().padStart(4, '0')}`,
  clients: 2_000,
  membersPerClient: 3,
  rounds: 4,
  start: new Date('2021-01-01T00:00:00.000Z'),
  years: 5,
});

const logOf = (store: SqliteEventStore) =>
  new EventLog({ store, registry: portalRegistry(), ids: uuidIds, keys: sqliteKeyStore(store.db, aesGcmCipher), cipher: aesGcmCipher });

/**
 * Writes firms' histories until the log holds about `total` events, each encoded by the EventLog as
 * an append would (validated, personal fields encrypted under their subject's key), then inserted
 * in big transactions: setup, not a measured figure.
 */
export async function seedPortalLog(store: SqliteEventStore, total: number): Promise<number> {
  const writer = historyWriter(store);
  let written = 0;
  for (let firm = 0; written < total; firm++) {
    const shape = firmShape(firm);
    if (written + countEvents(shape) > total * 1.02) shape.clients = Math.max(1, Math.floor(((total - written) / countEvents(shape)) * shape.clients));
    written += await writer.write(shape);
  }
  writer.flush();
  return written;
}

/**
 * Appends firm histories to a fresh log as the EventLog encodes them, bypassing the store's append
 * (one row insert each, 20,000 per transaction). Call `flush` after the last `write`.
 */
export function historyWriter(store: SqliteEventStore): { write(shape: HistoryShape): Promise<number>; flush(): void } {
  const log = logOf(store);
  const db: Database = store.db;
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const revisions = new Map<string, number>();
  let rows: Array<[string, number, string, string, string, string]> = [];
  const flush = db.transaction((batch: typeof rows) => {
    for (const row of batch) insert.run(...row);
  });
  return {
    async write(shape) {
      let written = 0;
      for (const { streamId, event, occurredAt, actor } of firmHistory(shape)) {
        const context = { tenantId: shape.firmId, actor, correlationId: 'bench', causationId: 'bench', occurredAt };
        const [encoded] = await log.prepare([event], context);
        const revision = (revisions.get(streamId) ?? -1) + 1;
        revisions.set(streamId, revision);
        rows.push([streamId, revision, encoded!.id, encoded!.type, JSON.stringify(encoded!.data), JSON.stringify(encoded!.metadata)]);
        if (rows.length >= 20_000) {
          flush(rows);
          rows = [];
        }
        written++;
      }
      return written;
    },
    flush() {
      flush(rows);
      rows = [];
    },
  };
}

export interface RebuildFigure {
  events: number;
  rebuild: number;
  storeReadAll: number;
  logReadAll: number;
}

/** Events/s: rebuilding all read models, the store's readAll, and the log's (decrypting) readAll. */
export async function rebuildFigure(store: SqliteEventStore, events: number): Promise<RebuildFigure> {
  const rate = async (read: () => AsyncIterable<unknown>) => {
    const start = performance.now();
    let count = 0;
    for await (const _ of read()) count++;
    if (count !== events) throw new Error(`read ${count} of ${events} events`);
    return count / ((performance.now() - start) / 1000);
  };
  const log = logOf(store);
  const storeReadAll = await rate(() => store.readAll());
  const logReadAll = await rate(() => log.readAll());
  const models = sqliteReadModels({ db: store.db })(log);
  const start = performance.now();
  await models.rebuild();
  const rebuild = events / ((performance.now() - start) / 1000);
  await models.stop();
  return { events, rebuild, storeReadAll, logReadAll };
}
