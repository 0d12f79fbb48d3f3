import type { Database } from 'better-sqlite3';
import type { ReadModels } from '../../src/application/read-models.js';
import type { SqliteProjection } from '../sqlite-target.js';

// PLACEHOLDER (being built): every event of a firm, for history, the activity feed and as-of replays.
export const activityProjection: SqliteProjection = { name: 'activity', setup() {}, drop() {}, apply() {} };

export function activityQueries(_db: Database): Pick<ReadModels['audit'], 'history' | 'activity'> {
  const notYet = () => Promise.reject(new Error('activity not built yet'));
  return { history: notYet, activity: notYet };
}

// PLACEHOLDER (being built by the activity helper): the firm's events with occurredAt <= asOf, in log order.
export function firmEventsUpTo(_db: Database, _firmId: string, _asOf: string): IterableIterator<import('../../src/core/envelope.js').RecordedEvent> {
  throw new Error('firm events not built yet');
}
