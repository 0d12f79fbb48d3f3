// The SQLite store's table and the SQL its reads are made of.

// AUTOINCREMENT so a position is never handed out twice, even after the last rows were deleted.
// The (stream_id, revision) index also answers "where is this stream" and covers the position (rowid).
export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL,
    event_id  TEXT    NOT NULL UNIQUE,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  )`;

export const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';
export type Row = [position: number, streamId: string, revision: number, id: string, type: string, data: string, metadata: string];

// Prefixes compare by substr rather than LIKE: LIKE treats `%` and `_` as wildcards and ignores
// ASCII case. SQLite's substr counts characters (code points), hence the code-point length below.
export function anyPrefix(column: string, count: number): string {
  if (count === 0) return '';
  return `(${Array.from({ length: count }, () => `substr(${column}, 1, ?) = ?`).join(' OR ')})`;
}

export function prefixParams(prefixes: readonly string[]): unknown[] {
  return prefixes.flatMap((prefix) => [[...prefix].length, prefix]);
}
