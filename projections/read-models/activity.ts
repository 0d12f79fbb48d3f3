import type { Database } from 'better-sqlite3';
import type { ReadModels } from '../../src/application/read-models.js';
import type { SqliteProjection } from '../sqlite-target.js';

// PLACEHOLDER (being built): every event of a firm, for history, the activity feed and as-of replays.
export const activityProjection: SqliteProjection = { name: 'activity', setup() {}, drop() {}, apply() {} };

export function activityQueries(_db: Database): Pick<ReadModels['audit'], 'history' | 'activity'> {
  const notYet = () => Promise.reject(new Error('activity not built yet'));
  return { history: notYet, activity: notYet };
}
