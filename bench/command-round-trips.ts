import { uuidIds } from '../adapters/system/clock-and-ids.js';
import { z } from 'zod';
import type { SqliteEventStore } from '../adapters/event-store/sqlite.js';
import { handleCommand, type CommandHandlerDeps } from '../src/core/command-handler.js';
import type { Decider } from '../src/core/decider.js';
import { EventLog } from '../src/core/event-log.js';
import { defineEvent, EventRegistry, type EventOf } from '../src/core/events.js';
import { StateCache } from '../src/core/state-cache.js';
import { config, eventData, measure, metadata, streamName, type Sample } from './support.js';

const counted = defineEvent({
  type: 'Counted',
  version: 1,
  schema: z.object({ n: z.number().int(), note: z.string(), by: z.string() }),
});
type Counted = EventOf<typeof counted>;

/** The smallest real decider: every command counts one more ('look' decides nothing). */
const counter: Decider<'count' | 'look', Counted, number> = {
  initialState: 0,
  decide: (command, n) => (command === 'look' ? [] : [{ type: 'Counted', data: eventData(n + 1) }]),
  evolve: (n) => n + 1,
};

/** Gives every one of the bench's streams a first event, so commands load a real history. */
export async function seedStreams(store: SqliteEventStore, meter: string): Promise<void> {
  for (let from = 0; from < config.BENCH_STREAMS; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, config.BENCH_STREAMS - from) }, (_, i) =>
      store.append(streamName(meter, from + i), [{ id: uuidIds.newId(), type: 'Counted', data: eventData(0), metadata }], 'any'),
    );
    await Promise.all(batch);
  }
}

/**
 * Full command round-trips (load, fold, decide, append at the loaded revision) on random streams,
 * with a state cache as the application has one, or without one (every command then loads and
 * folds its whole stream). The cache is first warmed by looking at every stream once (no appends):
 * the figure is a working set that fits the cache, commands on streams it knows.
 */
export async function commandRoundTrips(
  store: SqliteEventStore,
  meter: string,
  callers: number,
  cache = true,
): Promise<(seconds: number) => Promise<Sample>> {
  const deps: CommandHandlerDeps = {
    log: new EventLog({ store, registry: new EventRegistry([counted]), ids: uuidIds }),
    clock: { now: () => new Date() },
    ids: uuidIds,
    ...(cache && { stateCache: new StateCache({ maxEntries: config.BENCH_STREAMS }) }),
  };
  const who = { tenantId: metadata.tenantId, actor: metadata.actor };
  if (cache) {
    for (let i = 0; i < config.BENCH_STREAMS; i++) await handleCommand(deps, counter, streamName(meter, i), 'look', who);
  }
  return (seconds) =>
    measure(seconds, callers, async () => {
      const streamId = streamName(meter, Math.floor(Math.random() * config.BENCH_STREAMS));
      await handleCommand(deps, counter, streamId, 'count', who);
    });
}
