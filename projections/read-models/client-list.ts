import type { Database } from 'better-sqlite3';
import type { ReadModels } from '../../src/application/read-models.js';
import type { SqliteProjection } from '../sqlite-target.js';

// PLACEHOLDER (being built): the client list read model and its queries.
export const clientListProjection: SqliteProjection = {
  name: 'client-list',
  setup() {},
  drop() {},
  apply() {},
};

export function clientListQueries(_db: Database): ReadModels['clientList'] {
  const notYet = () => Promise.reject(new Error('client list not built yet'));
  return { search: notYet, folders: notYet, clientsAssignedTo: notYet, linkedClients: notYet, contactsByLoginEmail: notYet };
}

// PLACEHOLDER (being built by the client-list helper): one activation row per member, for the CSV.
export function activationRows(_db: Database, _firmId: string, _now: Date): IterableIterator<import('../../src/application/read-models.js').ActivationRow> {
  throw new Error('activation rows not built yet');
}
