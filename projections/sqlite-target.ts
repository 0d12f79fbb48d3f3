import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../src/core/envelope.js';
import type { EventFilter } from '../src/core/event-store.js';
import { applyEach } from './runner-errors.js';
import type { ProjectionTarget } from './runner.js';

/** A read model kept in SQLite tables; `apply` writes through `db` synchronously. */
export interface SqliteProjection {
  name: string;
  filter?: EventFilter;
  /** Creates the read model's tables if missing (idempotent DDL). */
  setup(db: Database): void;
  /** Drops the read model's tables. */
  drop(db: Database): void;
  apply(db: Database, event: RecordedEvent): void;
}

/**
 * Keeps the read model and its checkpoint in the same SQLite database and commits both in one
 * transaction, so a crash between them cannot happen.
 */
export function sqliteTarget(db: Database, projection: SqliteProjection): ProjectionTarget {
  db.exec('CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
  projection.setup(db);
  const read = db.prepare<[string], { position: number }>('SELECT position FROM projection_checkpoints WHERE name = ?');
  const write = db.prepare(
    'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
  );
  const applyBatch = db.transaction((events: readonly RecordedEvent[], checkpoint: number) => {
    applyEach(events, (event) => projection.apply(db, event));
    write.run(projection.name, checkpoint);
  });
  const reset = db.transaction(() => {
    projection.drop(db);
    db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(projection.name);
    projection.setup(db);
  });
  return {
    name: projection.name,
    filter: projection.filter,
    async checkpoint() {
      return read.get(projection.name)?.position;
    },
    async applyBatch(events, checkpoint) {
      applyBatch(events, checkpoint);
    },
    async reset() {
      reset();
    },
  };
}
