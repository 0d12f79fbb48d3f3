import Database from 'better-sqlite3';
import { catchUpSubscription, openSubscriptions } from '../../src/core/catch-up-subscription.js';
import type { NewEvent, RecordedEvent } from '../../src/core/envelope.js';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  StoreUnavailableError,
  ValidationError,
} from '../../src/core/errors.js';
import {
  assertNotEmpty,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type Subscription,
  type SubscribeOptions,
} from '../../src/core/event-store.js';
import { revisionAfter, revisionMatches, type ExpectedRevision, type StreamRevision } from '../../src/core/revision.js';
import { anyPrefix, COLUMNS, prefixParams, SCHEMA, type Row } from './sqlite-sql.js';

export interface SqliteEventStoreOptions {
  path: string;
  /**
   * 'full' (default): an acknowledged append has been fsynced to the WAL.
   * 'normal': the WAL is only fsynced at checkpoints; a process crash loses nothing, but a power
   * loss or OS crash may lose the last acknowledged commits (the file stays consistent).
   */
  durability?: 'full' | 'normal';
  /** How often an idle subscription looks for events written by other processes. */
  pollIntervalMs?: number;
  /**
   * WAL pages before SQLite copies them back into the database file (default 10,000, about 40 MB).
   * Group commits dirty many index pages; a larger WAL rewrites a page that changes again and again
   * once per checkpoint instead of once per small checkpoint.
   */
  walAutocheckpointPages?: number;
  /** SQLite page cache for this connection, in MiB (default 64). */
  cacheMiB?: number;
  /** Bytes of the file read through a memory map instead of read() calls, in MiB (default 256; 0 turns it off). */
  mmapMiB?: number;
}

/** The SQLite store, with its handle exposed so projections can commit read models with their checkpoint. */
export interface SqliteEventStore extends EventStore {
  /**
   * The connection appends use. Share it for synchronous transactions only: a transaction left open
   * across an await would swallow the next group commit into it.
   */
  readonly db: Database.Database;
  /** Write transactions committed so far; a group of appends committed together counts once. */
  readonly commits: number;
}

/** An event serialized at append time, so later mutation by the caller cannot change what is stored. */
type Serialized = [id: string, type: string, data: string, metadata: string];

/** Rows per readAll query: large enough to amortize the query, small enough to keep memory flat. */
const PAGE_SIZE = 1000;

interface PendingAppend {
  streamId: string;
  events: Serialized[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** Opens (creating if needed) an event store in one SQLite file. */
export function sqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
  // Writers in other processes make us wait for the lock rather than fail at once.
  db.pragma('busy_timeout = 5000');
  db.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages ?? 10_000}`);
  // A stream's events lie scattered through the log (one per command), so loading a stream touches
  // a page per event: keep those pages in memory rather than re-reading them through syscalls.
  db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
  db.pragma(`mmap_size = ${(options.mmapMiB ?? 256) * 1024 * 1024}`);
  db.exec(SCHEMA);
  const pollIntervalMs = options.pollIntervalMs ?? 200;

  const lastOfStream = db.prepare<[string], [number, number]>(
    'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
  ).raw();
  const byEventId = db.prepare<[string], [string, number, number]>(
    'SELECT stream_id, revision, position FROM events WHERE event_id = ?',
  ).raw();
  const insert = db.prepare<[string, number, string, string, string, string]>(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // A bound LIMIT makes SQLite plan the query anew on every run (the plan may depend on its value):
  // 20 us for an empty read, 200 us for the last event right after an append, several times the
  // read itself. The usual reads, a whole stream and its last event, get statements of their own.
  const streamWhole = db.prepare<[string, number], Row>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`,
  ).raw();
  const streamLast = db.prepare<[string, number], Row>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT 1`,
  ).raw();
  const streamForwards = db.prepare<[string, number, number], Row>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
  ).raw();
  const streamBackwards = db.prepare<[string, number, number], Row>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
  ).raw();
  const pageQueries = new Map<string, Database.Statement<unknown[], Row>>();

  /** The original result when every event is already in this stream, contiguous and in order: a retry. */
  function priorResult(streamId: string, events: Serialized[]): AppendResult | undefined {
    let last: [string, number, number] | undefined;
    for (const [id] of events) {
      const found = byEventId.get(id);
      if (!found || found[0] !== streamId || (last && found[1] !== last[1] + 1)) return undefined;
      last = found;
    }
    return last && { nextExpectedRevision: last[1], position: last[2] };
  }

  function appendOne(streamId: string, events: Serialized[], expected: ExpectedRevision): AppendResult {
    const last = lastOfStream.get(streamId);
    const current: StreamRevision = last ? last[0] : 'no_stream';
    if (!revisionMatches(expected, current)) {
      const prior = priorResult(streamId, events);
      if (prior) return prior;
      throw new ConcurrencyError(streamId, expected, current);
    }
    let revision = revisionAfter(current, 0);
    let position = 0;
    try {
      for (const [id, type, data, metadata] of events) {
        position = Number(insert.run(streamId, ++revision, id, type, data, metadata).lastInsertRowid);
      }
    } catch (error) {
      // Our write lock makes the revision free, so a unique violation can only be an event id.
      if (!(error instanceof Database.SqliteError) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      const prior = priorResult(streamId, events);
      if (prior) return prior;
      const [taken] = events.find(([id]) => byEventId.get(id)) ?? events[0]!;
      throw new DuplicateEventIdError(taken, streamId);
    }
    return { nextExpectedRevision: revision, position };
  }

  // Called inside the group's transaction, better-sqlite3 runs each member in its own SAVEPOINT:
  // a member that throws is rolled back alone and the others still commit.
  const appendMember = db.transaction(appendOne);
  const appendGroup = db.transaction((group: PendingAppend[]): Outcome[] =>
    group.map((p) => {
      try {
        return { ok: true, result: appendMember(p.streamId, p.events, p.expected) };
      } catch (error) {
        // Disk full, I/O errors and the like doom the whole transaction; anything else (a conflict,
        // an event that does not bind) is this member's own failure.
        if (error instanceof Database.SqliteError && !error.code.startsWith('SQLITE_CONSTRAINT')) throw error;
        return { ok: false, error };
      }
    }),
  );

  let queue: PendingAppend[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let commits = 0;
  let closed = false;
  const waiters = new Set<() => void>();
  const subscriptions = openSubscriptions();

  /** Commits every queued append in one transaction, so one fsync serves them all. */
  function flush(): void {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const group = queue;
    queue = [];
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = appendGroup.immediate(group);
      commits++;
    } catch (error) {
      const failure = new StoreUnavailableError(`SQLite append failed: ${(error as Error).message}`, error);
      for (const p of group) p.reject(failure);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? group[i]!.resolve(outcome.result) : group[i]!.reject(outcome.error)));
    if (outcomes.some((o) => o.ok)) for (const wake of [...waiters]) wake();
  }

  function append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (closed) return Promise.reject(new StoreUnavailableError('The SQLite event store is closed.'));
    let serialized: Serialized[];
    try {
      assertNotEmpty(streamId, events);
      serialized = events.map((e) => [e.id, e.type, json(e.data), json(e.metadata)]);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      queue.push({ streamId, events: serialized, expected, resolve, reject });
      scheduled ??= setImmediate(flush);
    });
  }

  async function readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? -1; // -1: no limit, in SQLite
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const rows = backwards
      ? options.maxCount === 1
        ? streamLast.all(streamId, from)
        : streamBackwards.all(streamId, from, limit)
      : options.maxCount === undefined
        ? streamWhole.all(streamId, from)
        : streamForwards.all(streamId, from, limit);
    return rows.map(recorded);
  }

  function pageQuery(filter: EventFilter | undefined): { statement: Database.Statement<unknown[], Row>; params: unknown[] } {
    const types = filter?.eventTypePrefixes ?? [];
    const streams = filter?.streamPrefixes ?? [];
    const key = `${types.length}/${streams.length}`;
    let statement = pageQueries.get(key);
    if (!statement) {
      const where = ['position > ?', anyPrefix('type', types.length), anyPrefix('stream_id', streams.length)];
      const sql = `SELECT ${COLUMNS} FROM events WHERE ${where.filter(Boolean).join(' AND ')} ORDER BY position LIMIT ?`;
      statement = db.prepare<unknown[], Row>(sql).raw();
      pageQueries.set(key, statement);
    }
    return { statement, params: [...prefixParams(types), ...prefixParams(streams)] };
  }

  // Pages are fetched whole with .all(): an open better-sqlite3 iterator held across a yield would
  // keep the connection busy and block appends until the reader moved on.
  async function* readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    const { statement, params } = pageQuery(options.filter);
    let after = options.after ?? 0;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const limit = Math.min(PAGE_SIZE, remaining);
      const rows = statement.all(after, ...params, limit);
      for (const row of rows) yield recorded(row);
      if (rows.length < limit) return;
      after = rows[rows.length - 1]![0];
      remaining -= rows.length;
    }
  }

  /** Resolves on this process's next commit, or after the poll interval for other processes' commits. */
  function nextAppend(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, pollIntervalMs);
      waiters.add(wake);
    });
  }

  function subscribe(options: SubscribeOptions = {}): Subscription {
    return subscriptions.track(catchUpSubscription({ readAll, nextAppend }, options));
  }

  return {
    db,
    get commits() {
      return commits;
    },
    append,
    readStream,
    readAll,
    subscribe,
    async close() {
      if (closed) return;
      closed = true;
      await subscriptions.closeAll();
      flush();
      for (const wake of [...waiters]) wake();
      db.close();
    },
  };
}

function recorded([position, streamId, revision, id, type, data, metadata]: Row): RecordedEvent {
  return { id, type, data: JSON.parse(data), metadata: JSON.parse(metadata), streamId, revision, position };
}

function json(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new ValidationError('Event data and metadata must be JSON values.');
  return text;
}
