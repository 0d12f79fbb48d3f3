/**
 * Where the sync keeps what it needs between polls, in tables of the portal's SQLite file:
 * - `onedrive_sync_folders`: each linked folder (from FolderLinked/Relinked/Unlinked) with its
 *   FolderSyncState as JSON, stored after every page. Not events: it changes with every page, holds
 *   short-lived download URLs, and can always be rebuilt by a full enumeration; what the firm sees
 *   (FolderSynced / FolderSyncFailed) is in the log.
 * - `onedrive_sync_firms`: each firm's connection state, so a firm needing reconnection is skipped.
 * - `onedrive_sync_uploads`: uploads to do (DocumentMarkedForOneDriveSync, the portal's copy of a
 *   DocumentSyncConflictRecorded), with an upload session's URL once one is open (resumed after a crash).
 * The tables follow the log through a checkpointed runner (sync-runner.ts).
 */
import type { Database } from 'better-sqlite3';
import type { FolderSyncState } from '../../src/sync/state.js';

export interface SyncedFolder {
  clientId: string;
  firmId: string;
  driveId: string;
  itemId: string;
  state: FolderSyncState | null;
  nextPollAt: number;
}

export type UploadJob =
  | { kind: 'sync'; documentId: string; clientId: string; firmId: string; session: string | null }
  | {
      kind: 'conflict';
      documentId: string;
      clientId: string;
      firmId: string;
      session: string | null;
      /** The conflict event (its conflict name is read from the log: names stay out of this table). */
      eventId: string;
    };

export interface SyncStore {
  upsertFolder(folder: Omit<SyncedFolder, 'state' | 'nextPollAt'>): void;
  removeFolder(clientId: string): void;
  /** Folders of connected firms due by `now`, soonest first. */
  dueFolders(now: number, limit: number): SyncedFolder[];
  folder(clientId: string): SyncedFolder | null;
  saveState(clientId: string, state: FolderSyncState): void;
  schedule(clientId: string, at: number): void;
  /** The folder is polled at the next tick (something waits to be uploaded into it), even if a poll of it is running. */
  dueSoon(clientId: string): void;
  /** A poll of the folder begins: a dueSoon from now on asks for another one. */
  claim(clientId: string): void;
  /** After a poll: the next one at `at`, unless a dueSoon came during the poll. */
  scheduleAfterPoll(clientId: string, at: number): void;
  /** Every folder of the firm starts afresh (another account was connected). */
  resetFirm(firmId: string): void;
  setFirm(firmId: string, status: 'connected' | 'needs_reconnect' | 'disconnected'): void;
  firmStatus(firmId: string): string | null;
  addUpload(job: UploadJob): void;
  removeUpload(documentId: string, key: string): void;
  uploadsOf(clientId: string): UploadJob[];
  saveSession(documentId: string, key: string, session: string | null): void;
  counts(): { folders: number; uploads: number };
}

export function sqliteSyncStore(db: Database): SyncStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS onedrive_sync_folders (
      client_id TEXT PRIMARY KEY, firm_id TEXT NOT NULL, drive_id TEXT NOT NULL, item_id TEXT NOT NULL,
      state TEXT, next_poll_at INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX IF NOT EXISTS onedrive_sync_folders_due ON onedrive_sync_folders (next_poll_at);
    CREATE TABLE IF NOT EXISTS onedrive_sync_firms (firm_id TEXT PRIMARY KEY, status TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS onedrive_sync_uploads (
      document_id TEXT NOT NULL, key TEXT NOT NULL, client_id TEXT NOT NULL, job TEXT NOT NULL, session TEXT,
      PRIMARY KEY (document_id, key));
    CREATE INDEX IF NOT EXISTS onedrive_sync_uploads_client ON onedrive_sync_uploads (client_id);`);
  const s = {
    upsert: db.prepare(`INSERT INTO onedrive_sync_folders (client_id, firm_id, drive_id, item_id, state, next_poll_at) VALUES (?, ?, ?, ?, NULL, 0)
      ON CONFLICT (client_id) DO UPDATE SET firm_id = excluded.firm_id, drive_id = excluded.drive_id, item_id = excluded.item_id, state = NULL, next_poll_at = 0`),
    remove: db.prepare('DELETE FROM onedrive_sync_folders WHERE client_id = ?'),
    due: db.prepare(`SELECT f.* FROM onedrive_sync_folders f JOIN onedrive_sync_firms m ON m.firm_id = f.firm_id
      WHERE m.status = 'connected' AND f.next_poll_at <= ? ORDER BY f.next_poll_at LIMIT ?`),
    one: db.prepare('SELECT * FROM onedrive_sync_folders WHERE client_id = ?'),
    save: db.prepare('UPDATE onedrive_sync_folders SET state = ? WHERE client_id = ?'),
    schedule: db.prepare('UPDATE onedrive_sync_folders SET next_poll_at = ? WHERE client_id = ?'),
    // -1: asked for during a poll (dueSoon); left for the next tick.
    claim: db.prepare('UPDATE onedrive_sync_folders SET next_poll_at = 0 WHERE client_id = ? AND next_poll_at < 0'),
    after: db.prepare('UPDATE onedrive_sync_folders SET next_poll_at = ? WHERE client_id = ? AND next_poll_at >= 0'),
    reset: db.prepare('UPDATE onedrive_sync_folders SET state = NULL, next_poll_at = 0 WHERE firm_id = ?'),
    setFirm: db.prepare('INSERT INTO onedrive_sync_firms (firm_id, status) VALUES (?, ?) ON CONFLICT (firm_id) DO UPDATE SET status = excluded.status'),
    firm: db.prepare('SELECT status FROM onedrive_sync_firms WHERE firm_id = ?'),
    addUpload: db.prepare('INSERT OR IGNORE INTO onedrive_sync_uploads (document_id, key, client_id, job, session) VALUES (?, ?, ?, ?, NULL)'),
    removeUpload: db.prepare('DELETE FROM onedrive_sync_uploads WHERE document_id = ? AND key = ?'),
    uploads: db.prepare('SELECT job, session FROM onedrive_sync_uploads WHERE client_id = ? ORDER BY rowid'),
    session: db.prepare('UPDATE onedrive_sync_uploads SET session = ? WHERE document_id = ? AND key = ?'),
    counts: db.prepare('SELECT (SELECT count(*) FROM onedrive_sync_folders) AS folders, (SELECT count(*) FROM onedrive_sync_uploads) AS uploads'),
  };
  type Row = { client_id: string; firm_id: string; drive_id: string; item_id: string; state: string | null; next_poll_at: number };
  const folderOf = (r: Row): SyncedFolder => ({
    clientId: r.client_id,
    firmId: r.firm_id,
    driveId: r.drive_id,
    itemId: r.item_id,
    state: r.state === null ? null : (JSON.parse(r.state) as FolderSyncState),
    nextPollAt: r.next_poll_at,
  });
  return {
    upsertFolder: (f) => void s.upsert.run(f.clientId, f.firmId, f.driveId, f.itemId),
    removeFolder: (clientId) => void s.remove.run(clientId),
    dueFolders: (now, limit) => (s.due.all(now, limit) as Row[]).map(folderOf),
    folder: (clientId) => {
      const row = s.one.get(clientId) as Row | undefined;
      return row ? folderOf(row) : null;
    },
    saveState: (clientId, state) => void s.save.run(JSON.stringify(state), clientId),
    schedule: (clientId, at) => void s.schedule.run(at, clientId),
    dueSoon: (clientId) => void s.schedule.run(-1, clientId),
    claim: (clientId) => void s.claim.run(clientId),
    scheduleAfterPoll: (clientId, at) => void s.after.run(at, clientId),
    resetFirm: (firmId) => void s.reset.run(firmId),
    setFirm: (firmId, status) => void s.setFirm.run(firmId, status),
    firmStatus: (firmId) => (s.firm.get(firmId) as { status: string } | undefined)?.status ?? null,
    addUpload: (job) => void s.addUpload.run(job.documentId, keyOf(job), job.clientId, JSON.stringify({ ...job, session: null })),
    removeUpload: (documentId, key) => void s.removeUpload.run(documentId, key),
    uploadsOf: (clientId) =>
      (s.uploads.all(clientId) as Array<{ job: string; session: string | null }>).map((r) => ({ ...(JSON.parse(r.job) as UploadJob), session: r.session })),
    saveSession: (documentId, key, session) => void s.session.run(session, documentId, key),
    counts: () => s.counts.get() as { folders: number; uploads: number },
  };
}

/** The job's key beside its document: one "Sync" per document, one upload per conflict. */
export function keyOf(job: UploadJob): string {
  return job.kind === 'sync' ? 'sync' : `conflict:${job.eventId}`;
}
