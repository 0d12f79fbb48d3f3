// npm run bench — every store figure beside a raw better-sqlite3 baseline measured in the same run.
// Scale down with BENCH_EVENTS=100000 BENCH_SECONDS=1 for a quick run.
import { cpus } from 'node:os';
import { sqliteEventStore } from '../adapters/event-store/sqlite.js';
import { commandRoundTrips, seedStreams } from './command-round-trips.js';
import { filteredSubscription } from './filtered-subscription.js';
import { rawRoundTrips } from './raw-baseline.js';
import { rawReadAll, seedLog, storeReadAll } from './read-all.js';
import { accessFigures, clientListFigures } from './read-model-queries.js';
import { rebuildFigure, seedPortalLog } from './read-model-rebuild.js';
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

// Read models: a rebuild over a portal log (personal fields encrypted, as the EventLog writes them).
const portalLog = sqliteEventStore({ path: freshPath('portal-log'), durability: 'normal' });
const rebuild = await rebuildFigure(portalLog, await seedPortalLog(portalLog, config.BENCH_EVENTS));
await portalLog.close();
const clientList = await clientListFigures(config.BENCH_CLIENTS);
const access = await accessFigures(config.BENCH_CLIENTS / 10);
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

console.log(`\nRead models (${rebuild.events} portal events; ${config.BENCH_CLIENTS} clients, ${clientList.members} members; access: ${access.events} events, ${access.grants} grants over 5 years)`);
row(['figure', 'measured', 'baseline', 'ratio', 'target']);
row(['rebuild events/s vs store readAll', fmt(rebuild.rebuild), fmt(rebuild.storeReadAll), (rebuild.rebuild / rebuild.storeReadAll).toFixed(2), '≥ 0.25']);
row(['  same vs log readAll (decrypting)', fmt(rebuild.rebuild), fmt(rebuild.logReadAll), (rebuild.rebuild / rebuild.logReadAll).toFixed(2), '']);
const ms = (n: number) => n.toFixed(1);
row(['search p50/p99 ms, selective', `${ms(clientList.selective.p50)}/${ms(clientList.selective.p99)}`, `${ms(clientList.plainPage.p50)}/${ms(clientList.plainPage.p99)}`, '', 'p99 < 20']);
row(['search p50/p99 ms, unselective', `${ms(clientList.unselective.p50)}/${ms(clientList.unselective.p99)}`, `${ms(clientList.plainPage.p50)}/${ms(clientList.plainPage.p99)}`, '', 'p99 < 20']);
const csv = clientList.csv;
row(['activation CSV rows/s', fmt(csv.rate), fmt(csv.rawRate), (csv.rate / csv.rawRate).toFixed(2), '≥ 0.50']);
row(['  CSV seconds, all rows', csv.seconds.toFixed(2), '', '', '< 1.5']);
row(['as-of access p50/p99 ms', `${ms(access.asOf.p50)}/${ms(access.asOf.p99)}`, `${ms(access.current.p50)}/${ms(access.current.p99)}`, '', 'p99 < 50']);
console.log(`CSV RSS MB: before ${csv.rssBefore}, peak ${csv.rssPeak}, after ${csv.rssAfter}. Search baseline: the first page with no text or filter; as-of baseline: the same query at the last instant.`);

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
