import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ActivationRow } from '../../src/application/read-models.js';
import { matchesFilter } from '../../src/core/event-store.js';
import type { SqliteProjection } from '../sqlite-target.js';
import { firmEventsUpTo } from './activity.js';
import { activationRows, clientListProjection } from './client-list.js';
import { peopleProjection } from './people.js';

/** The columns of the activation CSV, in the order, with the header a spreadsheet shows. */
export const activationColumns: ReadonlyArray<{ key: keyof ActivationRow; header: string }> = [
  { key: 'client', header: 'Client' },
  { key: 'clientKind', header: 'Client kind' },
  { key: 'memberName', header: 'Member name' },
  { key: 'role', header: 'Role' },
  { key: 'email', header: 'Email' },
  { key: 'loginEmail', header: 'Login email' },
  { key: 'activationStatus', header: 'Activation status' },
  { key: 'invitationSentAt', header: 'Invitation sent' },
  { key: 'invitationExpiresAt', header: 'Invitation expires' },
  { key: 'lastLoginAt', header: 'Last login' },
  { key: 'subscription', header: 'Subscription' },
  { key: 'assignedStaff', header: 'Assigned staff' },
  { key: 'portalAccess', header: 'Portal access' },
  { key: 'folderLinked', header: 'Folder linked' },
];

/**
 * Encodes activation rows as RFC 4180 CSV text, streamed: rows are pulled from `rows` only as the
 * consumer reads, so the whole file is never in memory. Cells a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) are prefixed with a quote.
 */
export async function* encodeCsv(rows: Iterable<ActivationRow>, options: { bom: boolean }): AsyncIterable<string> {
  const stringifier = stringify({
    header: true,
    columns: activationColumns.map((c) => ({ key: c.key, header: c.header })),
    bom: options.bom,
    record_delimiter: 'windows',
    // With CRLF row delimiters csv-stringify quotes a field holding CRLF or CR, not a bare LF.
    quoted_match: /[\r\n]/,
    escape_formulas: true,
  });
  // Readable.from pulls the iterator only when the stringifier asks (backpressure); pipeline
  // destroys both on an error or when the consumer stops early.
  const iterator = rows[Symbol.iterator]();
  const source = Readable.from({ [Symbol.iterator]: () => iterator }, { objectMode: true, highWaterMark: 16 });
  const output = pipeline(source, stringifier, () => undefined);
  output.setEncoding('utf8');
  try {
    yield* output as AsyncIterable<string>;
  } finally {
    // At once, not when the stream gets round to it: a read-model cursor left open keeps its connection busy.
    iterator.return?.();
  }
}

/**
 * The firm's activation CSV: from the client list now, or, with `asOf`, from the firm's events up
 * to that instant replayed into a scratch database, with time-dependent wording at that instant.
 */
export async function* activationCsv(db: Db, firmId: string, options: { asOf?: string; bom: boolean; now: Date }): AsyncIterable<string> {
  if (options.asOf === undefined) {
    yield* encodeCsv(activationRows(db, firmId, options.now), { bom: options.bom });
    return;
  }
  const scratch = new Database(':memory:');
  try {
    replay(scratch, firmEventsUpTo(db, firmId, options.asOf), [peopleProjection, clientListProjection]);
    yield* encodeCsv(activationRows(scratch, firmId, new Date(options.asOf)), { bom: options.bom });
  } finally {
    scratch.close();
  }
}

/** Builds read models from scratch over some events, in one transaction. */
function replay(db: Db, events: Iterable<Parameters<SqliteProjection['apply']>[1]>, projections: readonly SqliteProjection[]): void {
  for (const projection of projections) projection.setup(db);
  db.transaction(() => {
    for (const event of events) {
      for (const projection of projections) if (matchesFilter(event, projection.filter)) projection.apply(db, event);
    }
  })();
}
