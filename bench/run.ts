// npm run bench — every store figure beside a raw better-sqlite3 baseline measured in the same run.
// Scale down with BENCH_EVENTS=100000 BENCH_SECONDS=1 for a quick run.
import { cpus } from 'node:os';
import { sqliteEventStore } from '../adapters/event-store/sqlite.js';
import { commandRoundTrips, seedStreams } from './command-round-trips.js';
import { filteredSubscription } from './filtered-subscription.js';
import { rawRoundTrips } from './raw-baseline.js';
import { rawReadAll, seedLog, storeReadAll } from './read-all.js';
import { config, freshPath, fsyncsPerSecond, interleaved, removeTmp } from './support.js';

interface Line {
  figure: string;
  store: number;
  raw: number;
  target: string;
}
const lines: Line[] = [];
const fsyncsBefore = fsyncsPerSecond();

for (const durability of ['full', 'normal'] as const) {
  const store = sqliteEventStore({ path: freshPath(`commands-${durability}`), durability });
  for (const meter of ['raw', 'one', 'many', 'uncached']) await seedStreams(store, meter);
  const [raw, one, many, uncached] = (await interleaved([
    rawRoundTrips(store.db, 'raw'),
    await commandRoundTrips(store, 'one', 1),
    await commandRoundTrips(store, 'many', config.BENCH_CALLERS),
    await commandRoundTrips(store, 'uncached', 1, false),
  ])) as [number, number, number, number];
  await store.close();
  const sync = durability.toUpperCase();
  lines.push({ figure: `commands/s, 1 caller (${sync})`, store: one, raw, target: durability === 'full' ? '≥ 0.70' : '≥ 0.50' });
  lines.push({ figure: `  same, no state cache (${sync})`, store: uncached, raw, target: '' });
  lines.push({
    figure: `commands/s, ${config.BENCH_CALLERS} callers (${sync})`,
    store: many,
    raw,
    target: durability === 'full' ? '≥ 2.50' : '',
  });
}

// Reads never fsync; 'normal' only spares the seeding a sync per big transaction.
const log = sqliteEventStore({ path: freshPath('read-all'), durability: 'normal' });
seedLog(log.db);
rawReadAll(log.db); // warm the page cache and the JIT for both readers alike
const rawRead = rawReadAll(log.db);
const read = await storeReadAll(log);
// On the same pre-filled log (NORMAL, so the store's own cost per append shows, not the fsync).
const filtered = await filteredSubscription(log);
await log.close();
const fsyncsAfter = fsyncsPerSecond();
removeTmp();
lines.push({ figure: `readAll events/s (${config.BENCH_EVENTS} events)`, store: read.rate, raw: rawRead, target: '≥ 0.40' });
lines.push({
  figure: 'appends/s, rare-type sub (NORMAL)',
  store: filtered.withSubscription,
  raw: filtered.without,
  target: '≥ 0.80',
});

const cpu = cpus()[0]?.model ?? 'unknown';
const fsyncs = `${fmt(fsyncsBefore)} before, ${fmt(fsyncsAfter)} after`;
console.log(`${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus  ${cpu}  fsync/s of bench/.tmp: ${fsyncs}`);
console.log(
  `${config.BENCH_STREAMS} streams, ${config.BENCH_SECONDS}s per rate in ${config.BENCH_ROUNDS} interleaved slices; ` +
    'baseline: raw better-sqlite3, 1 caller, same file and sync\n',
);
const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(10))).join('  '));
row(['figure', 'store', 'raw', 'ratio', 'target']);
for (const l of lines) row([l.figure, fmt(l.store), fmt(l.raw), (l.store / l.raw).toFixed(2), l.target]);
console.log(`\nreadAll RSS MB: before ${read.rssBefore}, peak ${read.rssPeak}, after ${read.rssAfter}`);
console.log(
  `appends/s with one subscription filtered on a type nobody appends, over the ${config.BENCH_EVENTS}-event log; ` +
    `its baseline is the same store with none (1 caller, interleaved). First catch-up: ${filtered.catchUpSeconds.toFixed(2)} s`,
);

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
