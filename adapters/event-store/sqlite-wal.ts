import Database from 'better-sqlite3';

export interface WalTruncation {
  /** Tries before giving up (default 5). */
  attempts?: number;
  /** Wait before the second try, doubled before each further one (default 20 ms). */
  retryMs?: number;
}

/**
 * Copies the WAL into the database file and truncates it to nothing, so old page versions the WAL
 * held (a deleted key's page) leave the disk. It never runs inside an open transaction on this
 * connection (a group commit or a projection's batch); readers in other connections make it busy.
 * Either way it waits and tries again, a bounded number of times, without letting SQLite's busy
 * timeout block the event loop. True once the WAL is empty (or the database has none).
 */
export async function truncateWal(db: Database.Database, options: WalTruncation = {}): Promise<boolean> {
  const attempts = options.attempts ?? 5;
  const retryMs = options.retryMs ?? 20;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryMs * 2 ** (attempt - 1)));
    if (!db.open) return false;
    if (!db.inTransaction && truncateOnce(db)) return true;
  }
  return false;
}

function truncateOnce(db: Database.Database): boolean {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result?.busy === 0;
  } catch (error) {
    if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) return false;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}
