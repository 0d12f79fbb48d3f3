import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../src/core/envelope.js';
import { matchesFilter } from '../../src/core/event-store.js';
import { applyEach } from '../runner-errors.js';
import type { ProjectionTarget } from '../runner.js';
import type { SqliteProjection } from '../sqlite-target.js';

/**
 * Several read models in one SQLite database, fed by one runner: the log is read once for all of
 * them. Each keeps its own checkpoint, so one can be dropped and rebuilt while the others skip the
 * events they have already applied; the target's checkpoint is the lowest of theirs. A batch and
 * every checkpoint it moves commit in one transaction.
 */
export interface CompositeTarget extends ProjectionTarget {
  readonly projections: readonly SqliteProjection[];
  /** Drops and recreates the named read models and their checkpoints (the others keep theirs). */
  resetOnly(names: readonly string[]): void;
  /** Each read model's checkpoint. */
  checkpoints(): Map<string, number | undefined>;
}

export function compositeTarget(db: Database, name: string, projections: readonly SqliteProjection[]): CompositeTarget {
  db.exec('CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
  for (const projection of projections) projection.setup(db);
  const read = db.prepare<[string], { position: number }>('SELECT position FROM projection_checkpoints WHERE name = ?');
  const write = db.prepare(
    'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
  );
  const remove = db.prepare('DELETE FROM projection_checkpoints WHERE name = ?');
  const checkpoints = () => new Map(projections.map((p) => [p.name, read.get(p.name)?.position] as const));

  const applyBatch = db.transaction((events: readonly RecordedEvent[], checkpoint: number) => {
    const from = checkpoints();
    for (const projection of projections) {
      const after = from.get(projection.name) ?? 0;
      if (after >= checkpoint) continue;
      applyEach(
        events.filter((e) => e.position > after && matchesFilter(e, projection.filter)),
        (event) => projection.apply(db, event),
      );
      write.run(projection.name, checkpoint);
    }
  });
  const resetOnly = db.transaction((names: readonly string[]) => {
    for (const projection of projections.filter((p) => names.includes(p.name))) {
      projection.drop(db);
      remove.run(projection.name);
      projection.setup(db);
    }
  });

  return {
    name,
    projections,
    checkpoints,
    resetOnly,
    async checkpoint() {
      let lowest: number | undefined;
      for (const position of checkpoints().values()) {
        if (position === undefined) return undefined;
        lowest = lowest === undefined ? position : Math.min(lowest, position);
      }
      return lowest;
    },
    async applyBatch(events, checkpoint) {
      applyBatch(events, checkpoint);
    },
    async reset() {
      resetOnly(projections.map((p) => p.name));
    },
  };
}
