import Database from 'better-sqlite3';
import { settleRetry, type HeldEvent } from '../../src/core/append-retry.js';
import { catchUpSubscription, openSubscriptions } from '../../src/core/catch-up-subscription.js';
import type { NewEvent, RecordedEvent } from '../../src/core/envelope.js';
import { StoreClosedError, StoreUnavailableError } from '../../src/core/errors.js';
import { maxEventBytesOption, type SerializedEvent } from '../../src/core/event-json.js';
import {
  type AppendResult,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type Subscription,
  type SubscribeOptions,
} from '../../src/core/event-store.js';
import { revisionAfter, revisionMatches, type ExpectedRevision, type StreamRevision } from '../../src/core/revision.js';
import { checkReadAll, checkReadStream, prepareAppend } from '../../src/core/store-input.js';
import { recorded, sqliteLogReader, type Written } from './sqlite-log-reader.js';
import { COLUMNS, SCHEMA, type Row } from './sqlite-sql.js';

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
  /** Largest event accepted, in bytes of serialized data and metadata (default 4 MiB). */
  maxEventBytes?: number;
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


interface PendingAppend {
  streamId: string;
  /** Serialized at append time, so later mutation by the caller cannot change what is stored. */
  events: SerializedEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** Opens (creating if needed) an event store in one SQLite file. */
export function sqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  const maxEventBytes = maxEventBytesOption(options.maxEventBytes);
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
  const byEventId = db.prepare<[string], HeldEvent>(
    'SELECT stream_id AS streamId, revision, position, type, data FROM events WHERE event_id = ?',
  );
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

  const maxPosition = db.prepare<[], number | null>('SELECT max(position) FROM events').pluck();

  const held = (id: string) => byEventId.get(id);
  const currentRevision = (streamId: string): StreamRevision => lastOfStream.get(streamId)?.[0] ?? 'no_stream';

  // Results of appends that wrote rows (a settled retry writes none): what subscriptions may trust.
  const wrote = new WeakSet<AppendResult>();

  function appendOne(streamId: string, events: SerializedEvent[], expected: ExpectedRevision): AppendResult {
    const current = currentRevision(streamId);
    if (!revisionMatches(expected, current)) return settleRetry(streamId, events, expected, current, held);
    let revision = revisionAfter(current, 0);
    let position = 0;
    for (const { id, type, data, metadata } of events) {
      position = Number(insert.run(streamId, ++revision, id, type, data, metadata).lastInsertRowid);
    }
    const result = { nextExpectedRevision: revision, position };
    wrote.add(result);
    return result;
  }

  // Called inside the group's transaction, better-sqlite3 runs each member in its own SAVEPOINT:
  // a member that throws is rolled back alone and the others still commit.
  const appendMember = db.transaction(appendOne);

  function appendOrSettle({ streamId, events, expected }: PendingAppend): AppendResult {
    try {
      return appendMember(streamId, events, expected);
    } catch (error) {
      // Our write lock makes the revision free, so a unique violation can only be an event id.
      // The member's savepoint has rolled back what it inserted, so only earlier appends are seen.
      if (!(error instanceof Database.SqliteError) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      return settleRetry(streamId, events, expected, currentRevision(streamId), held);
    }
  }

  // A lone append (the common case for one caller) needs no savepoint: the transaction is its own.
  const appendAlone = db.transaction(appendOne);

  /** One append in its own transaction; a conflict, or an id found taken after the rollback, is its outcome. */
  function flushAlone({ streamId, events, expected }: PendingAppend): Outcome {
    try {
      return { ok: true, result: appendAlone.immediate(streamId, events, expected) };
    } catch (error) {
      // As in a group: disk full, I/O errors and the like are the store's failure, the rest the append's.
      if (error instanceof Database.SqliteError && !error.code.startsWith('SQLITE_CONSTRAINT')) throw error;
      if (!(error instanceof Database.SqliteError) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') return { ok: false, error };
      try {
        return { ok: true, result: settleRetry(streamId, events, expected, currentRevision(streamId), held) };
      } catch (settled) {
        return { ok: false, error: settled };
      }
    }
  }

  const appendGroup = db.transaction((group: PendingAppend[]): Outcome[] =>
    group.map((p) => {
      try {
        return { ok: true, result: appendOrSettle(p) };
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
  const reader = sqliteLogReader(db, pollIntervalMs);
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
      outcomes = group.length === 1 ? [flushAlone(group[0]!)] : appendGroup.immediate(group);
      commits++;
    } catch (error) {
      const failure = new StoreUnavailableError(`SQLite append failed: ${(error as Error).message}`, error);
      for (const p of group) p.reject(failure);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? group[i]!.resolve(outcome.result) : group[i]!.reject(outcome.error)));
    const last = outcomes.reduce((max, o) => (o.ok ? Math.max(max, o.result.position) : max), 0);
    if (last > 0) reader.committed(last, () => writtenBy(group, outcomes, wrote));
  }

  function append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    let serialized: SerializedEvent[];
    try {
      if (closed) throw new StoreClosedError();
      serialized = prepareAppend(streamId, events, expected, maxEventBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      queue.push({ streamId, events: serialized, expected, resolve, reject });
      scheduled ??= setImmediate(flush);
    });
  }

  async function readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (closed) throw new StoreClosedError();
    checkReadStream(streamId, options);
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

  /** A read the store's closing interrupts ends with StoreClosedError, not the driver's TypeError. */
  async function* whileOpen<T>(messages: AsyncGenerator<T>): AsyncGenerator<T> {
    try {
      yield* messages;
    } catch (error) {
      throw closed ? new StoreClosedError() : error;
    }
  }

  async function* readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    if (closed) throw new StoreClosedError();
    checkReadAll(options);
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    // Checkpoints are taken here rather than through eventsOf: one generator fewer per event.
    for await (const message of whileOpen(reader.scan(options, true))) {
      if ('checkpoint' in message) options.onCheckpoint?.(message.checkpoint);
      else {
        yield message;
        if (--remaining <= 0) return;
      }
    }
  }

  function subscribe(options: SubscribeOptions = {}): Subscription {
    return subscriptions.track(
      catchUpSubscription(
        {
          scan: (o) => {
            if (closed) throw new StoreClosedError();
            return whileOpen(reader.scan(o, false));
          },
          nextAppend: () => reader.nextAppend(),
        },
        options,
      ),
    );
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
    async lastPosition() {
      if (closed) throw new StoreClosedError();
      return maxPosition.get() ?? undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      await subscriptions.closeAll();
      flush();
      reader.close();
      db.close();
    },
  };
}

/**
 * The rows a group commit wrote, for subscriptions to filter in memory: the contiguous run of
 * positions ending at the group's last one. Settled retries are left out: they wrote nothing, and
 * a retry of a batch's leading part reports the whole first batch's result.
 */
function writtenBy(group: PendingAppend[], outcomes: Outcome[], wrote: WeakSet<AppendResult>): Written | undefined {
  const members = group
    .map((p, i) => ({ p, outcome: outcomes[i]! }))
    .flatMap(({ p, outcome }) =>
      outcome.ok && wrote.has(outcome.result) ? [{ streamId: p.streamId, events: p.events, last: outcome.result.position }] : [],
    )
    .sort((a, b) => a.last - b.last);
  const top = members[members.length - 1];
  if (!top) return undefined;
  const written: Written = { from: top.last + 1, types: [], streams: [] };
  for (let i = members.length - 1; i >= 0; i--) {
    const { streamId, events, last } = members[i]!;
    if (last !== written.from - 1) break;
    written.from = last - events.length + 1;
    written.types.unshift(...events.map((e) => e.type));
    written.streams.unshift(...events.map(() => streamId));
  }
  return written;
}
