// The SQLite store's reads of the whole log: pages by position range, checkpoints, and the wake-ups
// of subscriptions. Kept apart from appends; both share one connection.
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/core/envelope.js';
import { matchesFilter, type EventFilter, type SubscriptionMessage } from '../../src/core/event-store.js';
import { nextTurn } from '../../src/core/log-messages.js';
import { anyPrefix, COLUMNS, prefixParams, type Row } from './sqlite-sql.js';

/** Rows per query: large enough to amortize the query, small enough to keep memory flat. */
const PAGE_SIZE = 1000;
/** Data per query: a page of large events stops here (one event may take it beyond). */
export const PAGE_BYTES = 4 * 1024 * 1024;
/** Positions few enough to fetch without counting their bytes. */
const FEW = 4;
/** Positions one query examines at most, so a filter that matches little costs a bounded stretch per turn. */
const SCAN_WINDOW = 10 * PAGE_SIZE;

export interface LogReader {
  /**
   * The log after `after` as messages, page by page, with a turn of the event loop between pages.
   * A page covers at most SCAN_WINDOW positions and stops at PAGE_SIZE rows or PAGE_BYTES of data;
   * when it ends short of its window's end, everything up to that end was examined and a checkpoint
   * says so. With `chase`, the head is read again when reached, so a read also returns what was
   * appended while it ran; a subscription does not need that, as it reads again on the next wake-up.
   */
  scan(options: { after?: number; filter?: EventFilter }, chase: boolean): AsyncGenerator<SubscriptionMessage>;
  /** Resolves on this connection's next commit, or within the poll interval (other processes' commits). */
  nextAppend(): Promise<void>;
  /** Called after each commit with its last position and, asked only if a subscription waits, what it wrote. */
  committed(last: number, written: () => Written | undefined): void;
  /** Wakes every waiting subscription and stops polling. */
  close(): void;
}

/**
 * The rows a commit wrote, by position: `types[i]` and `streams[i]` are those of `from + i`. A
 * subscription woken by that commit tests its filter on them in memory and, when none passes,
 * moves its checkpoint on without a query. Positions of one commit are contiguous.
 */
export interface Written {
  from: number;
  types: string[];
  streams: string[];
}

export function sqliteLogReader(db: Database.Database, pollIntervalMs: number): LogReader {
  const lastPosition = db.prepare<[], number | null>('SELECT max(position) FROM events').pluck();
  const statements = new Map<string, Database.Statement<unknown[], Row>>();
  const queries = new WeakMap<EventFilter, { statement: Database.Statement<unknown[], Row>; params: unknown[] }>();
  const unfiltered = {};
  // The last position this connection committed: every row up to it is visible, whoever wrote it,
  // so a scan up to it needs no query for the head.
  let knownHead = 0;
  let recent: Written | undefined;
  let waiters: Array<() => void> = [];
  let poll: NodeJS.Timeout | undefined;

  function pageQuery(filter: EventFilter = unfiltered) {
    let query = queries.get(filter);
    if (query) return query;
    const types = filter.eventTypePrefixes ?? [];
    const streams = filter.streamPrefixes ?? [];
    const key = `${types.length}/${streams.length}`;
    let statement = statements.get(key);
    if (!statement) {
      // A range of positions, not "the next N matches": a rare filter would otherwise examine the
      // whole rest of the log in one statement, blocking the event loop, and again on every poll.
      // The limit is a literal: SQLite plans with a bound LIMIT's value, so binding one re-prepares
      // the statement on every call (measured: five times the cost of a one-row page).
      const where = ['position > ? AND position <= ?', anyPrefix('type', types.length), anyPrefix('stream_id', streams.length)];
      const sql = `SELECT ${COLUMNS} FROM events WHERE ${where.filter(Boolean).join(' AND ')} ORDER BY position LIMIT ${PAGE_SIZE}`;
      statement = db.prepare<unknown[], Row>(sql).raw();
      statements.set(key, statement);
    }
    query = { statement, params: [...prefixParams(types), ...prefixParams(streams)] };
    queries.set(filter, query);
    return query;
  }

  // The head is read before a page: rows committed later (by another connection) lie beyond it.
  const head = (after: number) => (knownHead > after ? knownHead : Math.max(knownHead, lastPosition.get() ?? 0));

  async function* scan(options: { after?: number; filter?: EventFilter }, chase: boolean): AsyncGenerator<SubscriptionMessage> {
    const { statement, params } = pageQuery(options.filter);
    let after = options.after ?? 0;
    let end = head(after);
    for (let first = true; ; first = false) {
      if (after >= end && chase) end = Math.max(end, lastPosition.get() ?? 0);
      if (after >= end) return;
      if (!first) await nextTurn();
      const upTo = Math.min(end, after + SCAN_WINDOW);
      if (noneWrittenPass(after, upTo, options.filter)) {
        yield { checkpoint: upTo };
        after = upTo;
        continue;
      }
      const { rows, full } = page(statement, [after, upTo, ...params]);
      for (const row of rows) yield recorded(row);
      const reached = full ? rows[rows.length - 1]![0] : upTo;
      if (reached > (rows[rows.length - 1]?.[0] ?? after)) yield { checkpoint: reached };
      after = reached;
    }
  }

  /** True when the last commit wrote every position in (after, upTo] and none of them passes. */
  function noneWrittenPass(after: number, upTo: number, filter: EventFilter | undefined): boolean {
    if (!recent || !filter || after < recent.from - 1 || upTo >= recent.from + recent.types.length) return false;
    for (let p = after + 1; p <= upTo; p++) {
      const i = p - recent.from;
      if (matchesFilter({ type: recent.types[i]!, streamId: recent.streams[i]! }, filter)) return false;
    }
    return true;
  }

  function wakeAll(): void {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  }

  return {
    scan,
    nextAppend() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        // One timer for all waiters, armed while anyone waits: a commit wakes them without
        // touching it, so a busy store does not create and clear a timer per commit.
        // Unreferenced: an idle subscription alone does not keep the process alive.
        poll ??= setTimeout(() => {
          poll = undefined;
          wakeAll();
        }, pollIntervalMs).unref();
      });
    },
    committed(last, written) {
      knownHead = Math.max(knownHead, last);
      // What an older commit wrote stays true, so `recent` may lag; it is only ever a shortcut.
      if (waiters.length > 0) recent = written() ?? recent;
      wakeAll();
    },
    close() {
      clearTimeout(poll);
      poll = undefined;
      wakeAll();
    },
  };
}

/**
 * Runs a page query, stopping at PAGE_BYTES. The rows are fetched synchronously, with no yield
 * while the statement is open: an open statement held across a yield would keep the connection
 * busy and block appends until the reader moved on.
 */
function page(statement: Database.Statement<unknown[], Row>, params: [number, number, ...unknown[]]): { rows: Row[]; full: boolean } {
  // A few positions (a live poll after a commit) are fetched at once: stepping an iterator costs
  // more than the rows, and a handful of events cannot hold a page's worth of data many times over.
  if (params[1] - params[0] <= FEW) return { rows: statement.all(...params), full: false };
  const rows: Row[] = [];
  let bytes = 0;
  for (const row of statement.iterate(...params)) {
    rows.push(row);
    bytes += row[5].length + row[6].length;
    if (bytes >= PAGE_BYTES) return { rows, full: true };
  }
  return { rows, full: rows.length === PAGE_SIZE };
}

export function recorded([position, streamId, revision, id, type, data, metadata]: Row): RecordedEvent {
  return { id, type, data: JSON.parse(data), metadata: JSON.parse(metadata), streamId, revision, position };
}
