// npm run bench:http — the HTTP service under loopback load, every figure beside its baseline
// measured in the same run. The server runs in its own process (http-server.ts), seeded with one
// firm of BENCH_CLIENTS clients; BENCH_SECONDS and BENCH_ROUNDS set the slices as in `npm run bench`.
// Quick run: BENCH_CLIENTS=5000 BENCH_SECONDS=2 npm run bench:http. BENCH_HTTP_PROFILE=dir writes
// the server's CPU profile there. BENCH_HTTP_DB=path seeds that file once and serves it as it is on
// later runs (which then see the clients earlier runs created): for iterating, not for figures.
import { cpus, loadavg } from 'node:os';
import { createFigure, CREATE_CONNECTIONS } from './http-create.js';
import { searchFigures, SEARCH_CONNECTIONS } from './http-search.js';
import { startBenchServer } from './http-support.js';
import { config, freshPath, fsyncsPerSecond, removeTmp } from './support.js';

const fsyncsBefore = fsyncsPerSecond();
// The machine may be shared: its 1-minute load average, before and after, says how much.
const loadBefore = loadavg()[0]!;
const profileDir = process.env.BENCH_HTTP_PROFILE;
const server = await startBenchServer(process.env.BENCH_HTTP_DB ?? freshPath('http'), profileDir ? { profileDir } : {});
let search: Awaited<ReturnType<typeof searchFigures>>;
let create: Awaited<ReturnType<typeof createFigure>>;
try {
  search = await searchFigures(server);
  create = await createFigure(server);
} finally {
  await server.stop();
}
const fsyncsAfter = fsyncsPerSecond();
const loadAfter = loadavg()[0]!;
removeTmp();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);
const cpu = cpus()[0]?.model ?? 'unknown';
console.log(`${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus  ${cpu}  fsync/s of bench/.tmp: ${fmt(fsyncsBefore)} before, ${fmt(fsyncsAfter)} after  load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
const { seeding } = server;
const seeded = seeding.events > 0 ? `${fmt(seeding.events)} events written in ${seeding.written.toFixed(1)} s` : 'a file seeded by an earlier run';
console.log(
  `one firm of ${fmt(seeding.clients)} clients (${seeded}, read models caught up in ${seeding.caughtUp.toFixed(1)} s); ` +
    `${config.BENCH_SECONDS}s per rate in ${config.BENCH_ROUNDS} interleaved slices; ` +
    'server and autocannon in separate processes on this machine\n',
);
const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(50) : c.padStart(12))).join('  '));
const ratio = (a: number, b: number) => (a / b).toFixed(2);
row(['figure', 'measured', 'baseline', 'ratio', 'target']);
for (const s of search) {
  row([`search req/s, ${s.kind}, ${SEARCH_CONNECTIONS} conns (bare route)`, fmt(s.search), fmt(s.bare), ratio(s.search, s.bare), '≥ 0.50']);
  row([`  search p50/p99 ms (bare route's p99)`, `${ms(s.searchP50)}/${ms(s.searchP99)}`, ms(s.bareP99), '', 'p99 < 25']);
  row([`  same search in process, calls/s`, fmt(s.search), fmt(s.core), ratio(s.search, s.core), '']);
  row([`  server CPU µs per request (bare; in process)`, fmt(s.searchCpu), `${fmt(s.bareCpu)}; ${fmt(s.coreCpu)}`, '', '']);
}
row([`create client req/s, ${CREATE_CONNECTIONS} conns (core createClient)`, fmt(create.http), fmt(create.core), ratio(create.http, create.core), '≥ 0.50']);
row([`  same beside the core's command round-trips`, fmt(create.http), fmt(create.counter), ratio(create.http, create.counter), '']);
row([`  create p50/p99 ms`, `${ms(create.httpP50)}/${ms(create.httpP99)}`, '', '', '']);
row([`  server CPU µs per create (in process)`, fmt(create.httpCpu), fmt(create.coreCpu), '', '']);
console.log(
  '\n' +
    search.map((s) => `${s.kind} search: ${s.rows.toFixed(1)} rows per answer, median ${fmt(s.bytes)} bytes (the bare route's body)`).join('; ') +
    `.\nIn process: the same calls of portal.clientList.search / portal.clients.createClient from ${SEARCH_CONNECTIONS} / ${CREATE_CONNECTIONS} concurrent callers in the server process, same file and portal. ` +
    `Command round-trips: bench/command-round-trips.ts at ${CREATE_CONNECTIONS} callers on a file of its own (FULL).` +
    '\nServer CPU: user + system time of the server process over the slices and until it has answered what was sent and its read ' +
    'models have caught up, per request or call it completed. ' +
    `autocannon's own CPU per request: ${search.map((s) => `${s.kind} search ${fmt(s.loadCpu)} µs, its bare route ${fmt(s.bareLoadCpu)} µs`).join('; ')}; ` +
    `create ${fmt(create.loadCpu)} µs.`,
);
