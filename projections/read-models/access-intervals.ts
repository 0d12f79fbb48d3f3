import type { Database } from 'better-sqlite3';
import type { ReadModels } from '../../src/application/read-models.js';
import type { SqliteProjection } from '../sqlite-target.js';

// PLACEHOLDER (being built): portal access grants with valid-from / valid-to.
export const accessIntervalsProjection: SqliteProjection = { name: 'access-intervals', setup() {}, drop() {}, apply() {} };

export function accessQueries(_db: Database): Pick<ReadModels['audit'], 'accessAsOf' | 'viewAsClient'> {
  const notYet = () => Promise.reject(new Error('access intervals not built yet'));
  return { accessAsOf: notYet, viewAsClient: notYet };
}
