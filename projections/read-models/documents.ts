import type { Database } from 'better-sqlite3';
import { perDatabase } from './per-database.js';
import type { DocumentRow, ReadModels } from '../../src/application/read-models.js';
import type { Actor, RecordedEvent } from '../../src/core/envelope.js';
import { NotFoundError } from '../../src/core/errors.js';
import { ERASED } from '../../src/core/events.js';
import type { DocumentOrigin } from '../../src/document/events.js';
import { canSee } from '../../src/portal-access/shared-items.js';
import type { SqliteProjection } from '../sqlite-target.js';
import { openGrants, requireKnown } from './access-intervals.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import { actorRef, nameOf } from './people.js';

/**
 * Documents of each client: the current ones (removed ones drop out), every version over time
 * (each add, new version, rename, move or removal closes the open row at the event's instant, so
 * "the documents as they stood at t, with the names they had then" is one range query), and the
 * per-document trail of downloads and views.
 */
const SETUP = `
  CREATE TABLE IF NOT EXISTS rm_documents (
    document_id TEXT PRIMARY KEY,
    firm_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    folder_path TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    version INTEGER NOT NULL,
    origin TEXT NOT NULL,
    uploaded_by TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sync_conflicts INTEGER NOT NULL DEFAULT 0,
    conflict_name TEXT,
    conflict_at TEXT,
    conflict_deleted INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS rm_documents_by_client ON rm_documents (firm_id, client_id, folder_path, name, document_id);
  CREATE TABLE IF NOT EXISTS rm_document_versions (
    row_id INTEGER PRIMARY KEY,
    firm_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    folder_path TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    uploaded_by TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT
  );
  CREATE INDEX IF NOT EXISTS rm_document_versions_by_client ON rm_document_versions (firm_id, client_id, valid_from);
  CREATE INDEX IF NOT EXISTS rm_document_versions_by_document ON rm_document_versions (document_id, valid_from);
  CREATE INDEX IF NOT EXISTS rm_document_versions_by_content ON rm_document_versions (content_hash, firm_id, client_id);
  CREATE TABLE IF NOT EXISTS rm_document_trail (
    position INTEGER PRIMARY KEY,
    firm_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    ip_address TEXT,
    user_agent TEXT
  );
  CREATE INDEX IF NOT EXISTS rm_document_trail_by_document ON rm_document_trail (firm_id, document_id, position);
  CREATE INDEX IF NOT EXISTS rm_document_trail_by_contact ON rm_document_trail (firm_id, contact_id);`;

const DROP = 'DROP TABLE IF EXISTS rm_documents; DROP TABLE IF EXISTS rm_document_versions; DROP TABLE IF EXISTS rm_document_trail;';

function lacksContentHashes(db: Database): boolean {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('rm_document_versions')").all();
  return columns.length > 0 && !columns.some((c) => c.name === 'content_hash');
}

function lacksConflicts(db: Database): boolean {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('rm_documents')").all();
  return columns.length > 0 && !columns.some((c) => c.name === 'sync_conflicts');
}

interface CurrentRow {
  document_id: string;
  folder_path: string;
  name: string;
  size: number;
  version: number;
  origin: DocumentOrigin;
  added_by: string;
  added_at: string;
  updated_at: string;
  uploaded_by: string | null;
  sync_conflicts: number;
  conflict_name: string | null;
  conflict_at: string | null;
  conflict_deleted: number;
}

interface OpenVersion {
  row_id: number;
  version: number;
  uploaded_by: string | null;
}

function prepare(db: Database) {
  return {
    add: db.prepare(
      `INSERT OR REPLACE INTO rm_documents (document_id, firm_id, client_id, folder_path, name, size, version, origin, uploaded_by, added_by, added_at, updated_at)
       VALUES (@document_id, @firm_id, @client_id, @folder_path, @name, @size, @version, @origin, @uploaded_by, @added_by, @at, @at)`,
    ),
    change: db.prepare(
      `UPDATE rm_documents SET folder_path = @folder_path, name = @name, size = @size, version = @version, origin = @origin, updated_at = @at
       WHERE document_id = @document_id`,
    ),
    remove: db.prepare<[string]>('DELETE FROM rm_documents WHERE document_id = ?'),
    conflict: db.prepare<[string, string, number, string]>(
      'UPDATE rm_documents SET sync_conflicts = sync_conflicts + 1, conflict_name = ?, conflict_at = ?, conflict_deleted = ? WHERE document_id = ?',
    ),
    openVersion: db.prepare<[string], OpenVersion>(
      'SELECT row_id, version, uploaded_by FROM rm_document_versions WHERE document_id = ? AND valid_to IS NULL ORDER BY row_id DESC LIMIT 1',
    ),
    closeVersion: db.prepare<[string, number]>('UPDATE rm_document_versions SET valid_to = ? WHERE row_id = ?'),
    addVersion: db.prepare(
      `INSERT INTO rm_document_versions (firm_id, client_id, document_id, folder_path, name, size, version, content_hash, uploaded_by, valid_from)
       VALUES (@firm_id, @client_id, @document_id, @folder_path, @name, @size, @version, @content_hash, @uploaded_by, @at)`,
    ),
    access: db.prepare(
      `INSERT INTO rm_document_trail (position, firm_id, document_id, contact_id, kind, at, ip_address, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    forgetCurrent: db.prepare<[string, string, string, string, string]>(
      `UPDATE rm_documents SET folder_path = ?, name = ?, conflict_name = CASE WHEN conflict_name IS NULL THEN NULL ELSE ? END
       WHERE firm_id = ? AND client_id = ?`,
    ),
    forgetVersions: db.prepare<[string, string, string, string]>(
      'UPDATE rm_document_versions SET folder_path = ?, name = ? WHERE firm_id = ? AND client_id = ?',
    ),
    forgetTrail: db.prepare<[string, string, string, string]>(
      `UPDATE rm_document_trail SET ip_address = CASE WHEN ip_address IS NULL THEN NULL ELSE ? END,
       user_agent = CASE WHEN user_agent IS NULL THEN NULL ELSE ? END WHERE firm_id = ? AND contact_id = ?`,
    ),
    page: db.prepare<[string, string, string, string, string, number], CurrentRow>(
      `SELECT * FROM rm_documents WHERE firm_id = ? AND client_id = ? AND (folder_path, name, document_id) > (?, ?, ?)
       ORDER BY folder_path, name, document_id LIMIT ?`,
    ),
    first: db.prepare<[string, string, number], CurrentRow>(
      'SELECT * FROM rm_documents WHERE firm_id = ? AND client_id = ? ORDER BY folder_path, name, document_id LIMIT ?',
    ),
    known: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM rm_document_versions WHERE document_id = ? AND firm_id = ? LIMIT 1'),
    // Blobs are stored once per content for the whole store, so "referenced elsewhere" looks across firms.
    contentOnlyReferencedBy: db.prepare<[string, string], { content_hash: string }>(
      `SELECT DISTINCT v.content_hash FROM rm_document_versions v
       WHERE v.firm_id = ? AND v.client_id = ? AND NOT EXISTS (
         SELECT 1 FROM rm_document_versions o
         WHERE o.content_hash = v.content_hash AND NOT (o.firm_id = v.firm_id AND o.client_id = v.client_id))
       ORDER BY v.content_hash`,
    ),
    holdsContent: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM rm_document_versions WHERE content_hash = ? AND firm_id = ? LIMIT 1'),
    trail: db.prepare<[string, string, number, number], any>(
      `SELECT position, kind, contact_id, at, ip_address, user_agent FROM rm_document_trail
       WHERE firm_id = ? AND document_id = ? AND position < ? ORDER BY position DESC LIMIT ?`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;
const statements = perDatabase(prepare);

/** Closes the document's open version row and, unless it was removed, opens the next one. */
function nextVersion(s: Statements, event: RecordedEvent, data: any, open: OpenVersion | undefined, version: number, uploadedBy: string | null) {
  const at = event.metadata.occurredAt;
  if (open) s.closeVersion.run(at, open.row_id);
  s.addVersion.run({
    firm_id: event.metadata.tenantId,
    client_id: data.clientId,
    document_id: data.documentId,
    folder_path: data.folderPath,
    name: data.name,
    size: data.size,
    version,
    content_hash: data.contentHash,
    uploaded_by: uploadedBy,
    at,
  });
}

export const documentsProjection: SqliteProjection = {
  name: 'documents',
  filter: { eventTypePrefixes: ['Document', 'PersonalDataForgotten'] },
  setup(db) {
    if (lacksContentHashes(db) || lacksConflicts(db)) {
      // Made before versions kept their content hash, it could not tell which blobs a client shares:
      // dropped with its checkpoint (which the targets keep in projection_checkpoints), so it replays;
      // so is one made before rows showed OneDrive sync conflicts.
      db.exec(DROP);
      db.prepare("DELETE FROM projection_checkpoints WHERE name = 'documents'").run();
    }
    db.exec(SETUP);
  },
  drop(db) {
    db.exec(DROP);
  },
  apply(db, event) {
    const data = event.data as any;
    const firm = event.metadata.tenantId;
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'DocumentAdded': {
        const s = statements(db);
        const facts = { ...fileOf(firm, data), version: data.version, uploaded_by: data.uploadedByContactId, at };
        s.add.run({ ...facts, origin: data.origin, added_by: JSON.stringify(event.metadata.actor) });
        // No open version to close: a document is added when new or removed, and removal closed it.
        return nextVersion(s, event, data, undefined, data.version, data.uploadedByContactId);
      }
      case 'DocumentVersionAdded':
      case 'DocumentRenamed':
      case 'DocumentMoved': {
        const s = statements(db);
        const open = s.openVersion.get(data.documentId);
        const version = data.version ?? open?.version ?? 1;
        s.change.run({ ...fileOf(firm, data), version, origin: data.origin, at });
        return nextVersion(s, event, data, open, version, open?.uploaded_by ?? null);
      }
      case 'DocumentRemoved': {
        const s = statements(db);
        s.remove.run(data.documentId);
        const open = s.openVersion.get(data.documentId);
        if (open) s.closeVersion.run(at, open.row_id);
        return;
      }
      case 'DocumentSyncConflictRecorded': {
        statements(db).conflict.run(data.conflictName, data.detectedAt, data.oneDriveDeleted ? 1 : 0, data.documentId);
        return;
      }
      case 'DocumentDownloaded':
      case 'DocumentViewed': {
        const kind = event.type === 'DocumentDownloaded' ? 'downloaded' : 'viewed';
        statements(db).access.run(event.position, firm, data.documentId, data.contactId, kind, data.at, data.ipAddress, data.userAgent);
        return;
      }
      case 'PersonalDataForgotten': {
        // Either subject kind: a client's file names, a contact's addresses and browsers.
        const s = statements(db);
        s.forgetCurrent.run(ERASED, ERASED, ERASED, firm, data.subjectId);
        s.forgetVersions.run(ERASED, ERASED, firm, data.subjectId);
        s.forgetTrail.run(ERASED, ERASED, firm, data.subjectId);
        return;
      }
    }
  },
};

const fileOf = (firm: string, data: any) => ({
  document_id: data.documentId,
  firm_id: firm,
  client_id: data.clientId,
  folder_path: data.folderPath,
  name: data.name,
  size: data.size,
});

function documentRow(db: Database, firmId: string, row: CurrentRow, grants: ReturnType<typeof openGrants>): DocumentRow {
  const place = { folderPath: row.folder_path, documentId: row.document_id, uploadedByContactId: row.uploaded_by };
  return {
    documentId: row.document_id,
    folderPath: row.folder_path,
    name: row.name,
    size: row.size,
    version: row.version,
    origin: row.origin,
    addedBy: actorRef(db, firmId, JSON.parse(row.added_by) as Actor),
    addedAt: row.added_at,
    updatedAt: row.updated_at,
    syncConflicts: row.sync_conflicts,
    lastSyncConflict:
      row.conflict_name === null || row.conflict_at === null
        ? null
        : { conflictName: row.conflict_name, oneDriveDeleted: row.conflict_deleted === 1, detectedAt: row.conflict_at },
    visibleTo: grants
      .filter((g) => canSee({ status: g.state, contactId: g.contactId, sharedItems: g.sharedItems }, place))
      .map((g) => ({ contactId: g.contactId, name: nameOf(db, firmId, 'contact', g.contactId) })),
  };
}

export function documentQueries(db: Database): ReadModels['documents'] {
  return {
    async list(firmId, clientId, page) {
      const s = statements(db);
      requireKnown(db, firmId, 'client', clientId);
      const after = decodeCursor(page.cursor, ['string', 'string', 'string'] as const);
      const rows = after ? s.page.all(firmId, clientId, ...after, page.limit + 1) : s.first.all(firmId, clientId, page.limit + 1);
      const grants = openGrants(db, firmId, clientId);
      const items = rows.slice(0, page.limit).map((row) => documentRow(db, firmId, row, grants));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > page.limit && last ? encodeCursor([last.folderPath, last.name, last.documentId]) : null };
    },
    async contentOnlyReferencedBy(firmId, clientId) {
      return statements(db).contentOnlyReferencedBy.all(firmId, clientId).map((row) => row.content_hash);
    },
    async firmHoldsContent(firmId, contentHash) {
      return statements(db).holdsContent.get(contentHash, firmId) !== undefined;
    },
    async trail(firmId, documentId, page) {
      const s = statements(db);
      if (!s.known.get(documentId, firmId)) throw new NotFoundError('document.not_found', 'This document does not exist.');
      const [before] = decodeCursor(page.cursor, ['number'] as const) ?? [Number.MAX_SAFE_INTEGER];
      const rows = s.trail.all(firmId, documentId, before, page.limit + 1);
      const items = rows.slice(0, page.limit).map((row) => ({
        kind: row.kind,
        contactId: row.contact_id,
        contactName: nameOf(db, firmId, 'contact', row.contact_id),
        at: row.at,
        ipAddress: row.ip_address,
        userAgent: row.user_agent,
      }));
      const last = rows[page.limit - 1];
      return { items, nextCursor: rows.length > page.limit && last ? encodeCursor([last.position]) : null };
    },
  };
}
