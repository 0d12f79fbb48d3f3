import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import type { ReadModels } from '../../src/application/read-models.js';
import type { EventLog } from '../../src/core/event-log.js';
import { PortalError, ReadModelBehindError } from '../../src/core/errors.js';
import { ProjectionRunner, type RunnerOptions } from '../runner.js';
import { compositeTarget, type CompositeTarget } from './composite-target.js';
import { accessIntervalsProjection, accessQueries } from './access-intervals.js';
import { activationCsv } from './activation-csv.js';
import { activityProjection, activityQueries } from './activity.js';
import { clientListProjection, clientListQueries } from './client-list.js';
import { documentsProjection, documentQueries } from './documents.js';
import { peopleProjection } from './people.js';

export interface SqliteReadModelsOptions {
  /**
   * Where the read models live: an open better-sqlite3 connection (the embedded store's own `db` by
   * default, shared for synchronous transactions only), or the path of another SQLite file.
   */
  db: Db | string;
  /** Longest a query waits for the read models to reach the caller's last write (default 5 s). */
  waitTimeoutMs?: number;
  runner?: RunnerOptions;
}

/** The read models in SQLite, their runner, and the lifecycle a host or the CLI drives. */
export interface SqliteReadModels extends ReadModels {
  readonly db: Db;
  readonly runner: ProjectionRunner;
  readonly target: CompositeTarget;
  /** Names of the read models, for `rebuild`. */
  readonly names: readonly string[];
  /** Drops the named read models (all when none are named) and replays the log into them from position 0. */
  rebuild(names?: readonly string[]): Promise<void>;
}

/** Page cache during a rebuild: 256 MiB (negative: KiB). */
const REBUILD_CACHE_KIB = -262144;

export const readModelNames = ['people', 'client-list', 'documents', 'access-intervals', 'activity'] as const;

export function openReadModelDb(db: Db | string): Db {
  if (typeof db !== 'string') return db;
  const opened = new Database(db);
  opened.pragma('journal_mode = WAL');
  opened.pragma('busy_timeout = 5000');
  return opened;
}

/**
 * The portal's read models in one SQLite database, fed by one checkpointed runner over the log:
 * the client list, documents, access intervals and the activity log (history and time travel).
 */
export function sqliteReadModels(options: SqliteReadModelsOptions): (log: EventLog) => SqliteReadModels {
  return (log: EventLog): SqliteReadModels => {
    const db = openReadModelDb(options.db);
    const target = compositeTarget(db, 'read-models', [
      peopleProjection,
      clientListProjection,
      documentsProjection,
      accessIntervalsProjection,
      activityProjection,
    ]);
    // Big batches: a rebuild commits (and fsyncs) once per 2,000 events rather than per 500.
    const runner = new ProjectionRunner(log, target, { batchSize: 2000, ...options.runner });
    const waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    let started: Promise<void> | undefined;

    const start = () => {
      if (runner.status.state === 'idle' || runner.status.state === 'stopped' || runner.status.state === 'failed') {
        started = runner.start();
        started.catch(() => undefined);
      }
      return started ?? Promise.resolve();
    };

    async function waitFor(position: number): Promise<void> {
      void start();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ReadModelBehindError(position, runner.status.position)), waitTimeoutMs);
      });
      try {
        await Promise.race([runner.waitFor(position), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    }

    const clientList = clientListQueries(db);
    return {
      db,
      runner,
      target,
      names: target.projections.map((p) => p.name),
      start,
      stop: () => runner.stop(),
      async rebuild(names) {
        const all = names === undefined || names.length === 0;
        const unknown = (names ?? []).filter((n) => !target.projections.some((p) => p.name === n));
        if (unknown.length > 0) {
          throw new PortalError('read_model.unknown', `No read model is called ${unknown.join(', ')}; there are ${readModelNames.join(', ')}.`);
        }
        await runner.stop();
        if (all) target.resetOnly(target.projections.map((p) => p.name));
        else target.resetOnly(names);
        // A replay touches index pages all over the read models: a larger page cache while it runs
        // keeps them from being read again per batch. Memory only; durability is untouched.
        const cache = db.pragma('cache_size', { simple: true }) as number;
        db.pragma(`cache_size = ${REBUILD_CACHE_KIB}`);
        try {
          started = runner.start();
          await started;
        } finally {
          db.pragma(`cache_size = ${cache}`);
        }
      },
      waitFor,
      progress: () => runner.status,
      clientList,
      exports: { activationCsv: (firmId, opts) => activationCsv(db, firmId, opts) },
      documents: documentQueries(db),
      audit: { ...activityQueries(db), ...accessQueries(db) },
    };
  };
}
