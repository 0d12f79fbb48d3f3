import type { Database, Statement } from 'better-sqlite3';
import type { DocumentAsOf } from '../../src/application/read-models.js';

/** A document version as it stood at an instant, with who uploaded it (for canSee) and when that version came. */
export type DocumentAt = DocumentAsOf;

const prepared = new WeakMap<Database, Statement<[string, string, string, string], any>>();

/**
 * The client's documents as they stood at `at` (rows of the documents read model's versions
 * table valid then: valid_from <= at < valid_to), with the folder and name they had then.
 */
export function documentsAt(db: Database, firmId: string, clientId: string, at: string): DocumentAt[] {
  let statement = prepared.get(db);
  if (!statement) {
    statement = db.prepare(
      `SELECT document_id AS documentId, folder_path AS folderPath, name, size, version, uploaded_by AS uploadedByContactId,
         (SELECT MIN(first.valid_from) FROM rm_document_versions first WHERE first.document_id = v.document_id AND first.version = v.version) AS versionAddedAt
       FROM rm_document_versions v
       WHERE firm_id = ? AND client_id = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)
       ORDER BY folder_path, name, document_id`,
    );
    prepared.set(db, statement);
  }
  return statement.all(firmId, clientId, at, at) as DocumentAt[];
}
