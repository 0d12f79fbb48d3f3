import type Database from 'better-sqlite3';

/** Where a process (the mail process) keeps how far through the log it got. */
export interface CheckpointStore {
  get(name: string): Promise<number | undefined>;
  set(name: string, position: number): Promise<void>;
  delete(name: string): Promise<void>;
}

export function memoryCheckpoints(): CheckpointStore {
  const positions = new Map<string, number>();
  return {
    get: async (name) => positions.get(name),
    set: async (name, position) => void positions.set(name, position),
    delete: async (name) => void positions.delete(name),
  };
}

/** Checkpoints in a table of the portal's SQLite file (the event store's own, when it is SQLite). */
export function sqliteCheckpoints(db: Database.Database): CheckpointStore {
  db.exec('CREATE TABLE IF NOT EXISTS process_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)');
  const read = db.prepare<[string], { position: number }>('SELECT position FROM process_checkpoints WHERE name = ?');
  const write = db.prepare('INSERT INTO process_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position');
  const remove = db.prepare('DELETE FROM process_checkpoints WHERE name = ?');
  return {
    get: async (name) => read.get(name)?.position,
    set: async (name, position) => void write.run(name, position),
    delete: async (name) => void remove.run(name),
  };
}
