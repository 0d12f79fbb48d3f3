import type { Database } from 'better-sqlite3';
import type { SqliteEventStore } from '../adapters/event-store/sqlite.js';
import { config, eventData, metadataJson, rssMb } from './support.js';

/** Writes the log in big transactions straight through SQL: setup, not a measured figure. */
export function seedLog(db: Database): void {
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const streams = config.BENCH_STREAMS;
  // Time-ordered ids (like UUIDv7), so the id index grows at its end as it does in production.
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `0190a000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
      insert.run(`client-${i % streams}`, Math.floor(i / streams), id, 'ClientNoted', JSON.stringify(eventData(i)), metadataJson);
    }
  });
  for (let from = 0; from < config.BENCH_EVENTS; from += 50_000) chunk(from, Math.min(config.BENCH_EVENTS, from + 50_000));
}

/** The floor: one plain SELECT over the whole log (array rows) with both JSON columns parsed. */
export function rawReadAll(db: Database): number {
  const select = db.prepare<[], [number, string, number, string, string, string, string]>(
    'SELECT position, stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position',
  );
  const start = performance.now();
  let count = 0;
  for (const row of select.raw().iterate()) {
    JSON.parse(row[5]);
    JSON.parse(row[6]);
    count++;
  }
  return count / ((performance.now() - start) / 1000);
}

export interface ReadAllFigure {
  rate: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
}

/** The store's readAll over the whole log, building every envelope; RSS sampled as it goes. */
export async function storeReadAll(store: SqliteEventStore): Promise<ReadAllFigure> {
  const rssBefore = rssMb();
  let rssPeak = rssBefore;
  const start = performance.now();
  let count = 0;
  for await (const _event of store.readAll()) {
    if (++count % 100_000 === 0) rssPeak = Math.max(rssPeak, rssMb());
  }
  const rate = count / ((performance.now() - start) / 1000);
  if (count !== config.BENCH_EVENTS) throw new Error(`readAll saw ${count} of ${config.BENCH_EVENTS} events`);
  return { rate, rssBefore, rssPeak: Math.max(rssPeak, rssMb()), rssAfter: rssMb() };
}
