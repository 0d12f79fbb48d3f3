import type { Database } from 'better-sqlite3';
import type { ReadModels } from '../../src/application/read-models.js';
import type { SqliteProjection } from '../sqlite-target.js';

// PLACEHOLDER (being built): the documents read model (current documents, versions over time, audit trail).
export const documentsProjection: SqliteProjection = { name: 'documents', setup() {}, drop() {}, apply() {} };

export function documentQueries(_db: Database): ReadModels['documents'] {
  const notYet = () => Promise.reject(new Error('documents not built yet'));
  return { list: notYet, trail: notYet };
}
