import type { Database } from 'better-sqlite3';
import { uuidIds } from '../adapters/system/clock-and-ids.js';
import { config, eventData, measure, metadataJson, streamName, type Sample } from './support.js';

/**
 * What SQLite itself can do: one transaction per command, reading the stream's last revision and
 * inserting one event, with no store, envelope or command handler in the way. Event ids come from
 * the same generator as in the store runs (time-ordered UUIDs), so both touch their index alike.
 */
export function rawRoundTrips(db: Database, meter: string): (seconds: number) => Promise<Sample> {
  const last = db.prepare('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1').pluck();
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const command = db.transaction((streamId: string) => {
    const revision = (last.get(streamId) as number | undefined) ?? -1;
    insert.run(streamId, revision + 1, uuidIds.newId(), 'Counted', JSON.stringify(eventData(revision + 1)), metadataJson);
  });
  return (seconds) =>
    measure(seconds, 1, () => {
      command.immediate(streamName(meter, Math.floor(Math.random() * config.BENCH_STREAMS)));
    });
}
