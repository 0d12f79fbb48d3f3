// Query figures of the read models: client-list search, the activation CSV, the as-of access query.
// Read models are filled by applying a synthetic firm history through the projections themselves.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { accessIntervalsProjection, accessQueries } from '../projections/read-models/access-intervals.js';
import { activationCsv } from '../projections/read-models/activation-csv.js';
import { activationRows, clientListProjection, clientListQueries } from '../projections/read-models/client-list.js';
import { compositeTarget } from '../projections/read-models/composite-target.js';
import { peopleProjection } from '../projections/read-models/people.js';
import type { SqliteProjection } from '../projections/sqlite-target.js';
import type { ClientListQuery } from '../src/application/read-models.js';
import type { RecordedEvent } from '../src/core/envelope.js';
import { recordedHistory, tokenOf, type HistoryShape } from './portal-history.js';
import { freshPath, rssMb } from './support.js';

export interface Latency {
  p50: number;
  p99: number;
}

/** Milliseconds per call of `query` over `runs` calls (after a few warm-up calls). */
async function latency(runs: number, query: (i: number) => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < 5; i++) await query(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await query(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs * 0.5)]!, p99: times[Math.min(runs - 1, Math.floor(runs * 0.99))]! };
}

/** A read-model database in bench/.tmp, filled with the history through the given projections. */
function filled(name: string, shape: HistoryShape, projections: SqliteProjection[]): { db: Db; events: number } {
  const db = new Database(freshPath(name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const target = compositeTarget(db, 'bench', projections);
  let batch: RecordedEvent[] = [];
  let events = 0;
  for (const event of recordedHistory(shape)) {
    batch.push(event);
    events++;
    if (batch.length === 20_000) {
      void target.applyBatch(batch, event.position);
      batch = [];
    }
  }
  if (batch.length > 0) void target.applyBatch(batch, batch.at(-1)!.position);
  return { db, events };
}

const FIRM = 'firm-bench';
const START = new Date('2021-01-01T00:00:00.000Z');

export interface ClientListFigures {
  members: number;
  selective: Latency;
  unselective: Latency;
  plainPage: Latency;
  csv: { rows: number; seconds: number; rate: number; rawRate: number; rssBefore: number; rssPeak: number; rssAfter: number };
}

/** Search and CSV over one firm of `clients` clients with three members each. */
export async function clientListFigures(clients: number): Promise<ClientListFigures> {
  const shape: HistoryShape = { firmId: FIRM, clients, membersPerClient: 3, rounds: 1, start: START, years: 1 };
  const { db } = filled('client-list', shape, [peopleProjection, clientListProjection]);
  const queries = clientListQueries(db);
  const now = new Date('2022-06-01T00:00:00.000Z');
  const base: ClientListQuery = { limit: 50, archived: false, sort: 'name', order: 'asc' };
  const selective = await latency(200, (i) => queries.search(FIRM, { ...base, text: tokenOf((i * 7919) % clients) }, now));
  const unselective = await latency(200, (i) => queries.search(FIRM, { ...base, text: ['an', 'mi', 'son'][i % 3]! }, now));
  const plainPage = await latency(200, () => queries.search(FIRM, base, now));
  const csv = await csvFigure(db, now);
  db.close();
  return { members: clients * 3, selective, unselective, plainPage, csv };
}

/** A sink that only counts what it is given, so both writers pay for the same writes. */
function countingSink(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      sink.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

async function csvFigure(db: Db, now: Date): Promise<ClientListFigures['csv']> {
  // Baseline: the same rows read the same way, joined with commas, no quoting or escaping.
  const rawStart = performance.now();
  let rows = 0;
  async function* plain() {
    for (const row of activationRows(db, FIRM, now)) {
      rows++;
      yield Object.values(row).join(',') + '\r\n';
    }
  }
  await pipeline(Readable.from(plain()), countingSink());
  const rawSeconds = (performance.now() - rawStart) / 1000;
  const rssBefore = rssMb();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb())), 50);
  const start = performance.now();
  await pipeline(Readable.from(activationCsv(db, FIRM, { bom: false, now })), countingSink());
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  return { rows, seconds, rate: rows / seconds, rawRate: rows / rawSeconds, rssBefore, rssPeak: Math.max(rssPeak, rssMb()), rssAfter: rssMb() };
}

export interface AccessFigures {
  grants: number;
  events: number;
  asOf: Latency;
  current: Latency;
}

/** The as-of access query, first page, for a firm of `clients` clients over five years. */
export async function accessFigures(clients: number): Promise<AccessFigures> {
  const shape: HistoryShape = { firmId: FIRM, clients, membersPerClient: 2, rounds: 20, start: START, years: 5 };
  const { db, events } = filled('access', shape, [peopleProjection, accessIntervalsProjection]);
  const queries = accessQueries(db);
  const span = 5 * 365 * 86_400_000;
  const instant = (i: number) => new Date(START.getTime() + ((i * 104_729) % 1000) / 1000 * span).toISOString();
  const asOf = await latency(200, (i) => queries.accessAsOf(FIRM, { at: instant(i), limit: 50 }));
  const end = new Date(START.getTime() + span).toISOString();
  const current = await latency(200, () => queries.accessAsOf(FIRM, { at: end, limit: 50 }));
  const grants = (db.prepare('SELECT count(*) AS n FROM rm_access_intervals').get() as { n: number }).n;
  db.close();
  return { grants, events, asOf, current };
}
