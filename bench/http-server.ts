// The HTTP benchmarks' server process (forked by http-support.ts, so the load generator has an event
// loop of its own): seeds one firm into a SQLite file, then serves the portal's app and a bare Hono
// app on loopback, and runs the in-process baselines when the parent asks.
// Argument: the database path. Messages: see http-support.ts.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { memoryBlobStore } from '../adapters/blobs/memory-blob-store.js';
import { aesGcmCipher } from '../adapters/crypto/aes-gcm.js';
import { sqliteKeyStore } from '../adapters/event-store/sqlite-key-store.js';
import { sqliteEventStore } from '../adapters/event-store/sqlite.js';
import { createHttpApp } from '../adapters/http/app.js';
import { sqliteCredentials } from '../adapters/http/credentials/sqlite-credentials.js';
import { systemClock, uuidIds } from '../adapters/system/clock-and-ids.js';
import { nodeSecrets } from '../adapters/system/secrets.js';
import { sqliteReadModels, type SqliteReadModels } from '../projections/read-models/index.js';
import { createPortal } from '../src/application/portal.js';
import { commandRoundTrips, seedStreams } from './command-round-trips.js';
import type { CoreMeter, FromServer, ToServer } from './http-support.js';
import { ADMIN, FIRM, firmShape, newClient, searchPath, searchTexts } from './http-workload.js';
import { historyWriter } from './read-model-rebuild.js';
import { config, freshPath, measure, type Sample } from './support.js';

const send = (message: FromServer) => process.send!(message);
// A parent that died leaves no server behind.
process.on('disconnect', () => process.exit(1));
const seconds = (since: number) => (performance.now() - since) / 1000;
const [path, profileDir] = process.argv.slice(2) as [string, string | undefined];

// Seeding: the firm's history encoded by the EventLog (validated, personal fields encrypted) and
// inserted in big transactions, then the read models catch up through their runner. NORMAL while
// seeding: each subject's new key is its own commit, and a fsync per key is not what is measured.
// A file that exists already (BENCH_HTTP_DB) is served as it is.
let started = performance.now();
let events = 0;
if (!existsSync(path)) {
  const seedStore = sqliteEventStore({ path, durability: 'normal' });
  const writer = historyWriter(seedStore);
  events = await writer.write(firmShape(config.BENCH_CLIENTS));
  writer.flush();
  await seedStore.close();
}
const written = seconds(started);

// The embedded portal, wired as openEmbeddedPortal does: events, keys, read models and credentials in one file.
const store = sqliteEventStore({ path });
let readModels!: SqliteReadModels;
const views = sqliteReadModels({ db: store.db });
const portal = createPortal({
  store,
  keys: sqliteKeyStore(store.db, aesGcmCipher),
  cipher: aesGcmCipher,
  clock: systemClock,
  ids: uuidIds,
  secrets: nodeSecrets,
  readModels: (log) => (readModels = views(log)),
});
started = performance.now();
await readModels.start();
const caughtUp = seconds(started);

const credentials = sqliteCredentials(store.db);
const { token } = await credentials.issueStaffToken({ firmId: FIRM, userId: ADMIN, label: 'bench' });
// 'warn': a line per request to a pipe would measure the pipe.
const app = createHttpApp({ portal, credentials, blobs: memoryBlobStore(), logger: pino({ level: 'warn' }) });

// Each kind of search's answers, asked once without a socket (and warming the caches); the bare
// app answers a fixed body of the median answer's size for that kind.
const texts = searchTexts(config.BENCH_CLIENTS);
const bare = new Hono();
const answers: Record<string, { bytes: number[]; rows: number }> = {};
for (const [kind, list] of Object.entries(texts)) {
  const bodies: Array<{ text: string; rows: number }> = [];
  for (const text of list) {
    const response = await app.request(searchPath(text), { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`search ${text}: ${response.status} ${await response.text()}`);
    const body = await response.text();
    bodies.push({ text: body, rows: (JSON.parse(body) as { items: unknown[] }).items.length });
  }
  bodies.sort((a, b) => a.text.length - b.text.length);
  const median = bodies[Math.floor(bodies.length / 2)]!;
  const fixed: unknown = JSON.parse(median.text);
  bare.get(`/bare/${kind}`, (c) => c.json(fixed));
  answers[kind] = { bytes: bodies.map((b) => Buffer.byteLength(b.text)), rows: bodies.reduce((n, b) => n + b.rows, 0) / bodies.length };
}

// Requests answered by either server: a slice's CPU time is divided by these, the requests left
// over when its load generator stopped included.
let served = 0;
const listen = (fetch: (request: Request) => Response | Promise<Response>) =>
  new Promise<{ port: number; server: ServerType }>((resolve) => {
    const counted = async (request: Request) => {
      const response = await fetch(request);
      served++;
      return response;
    };
    const server = serve({ fetch: counted, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve({ port: info.port, server }));
  });
const connections = (server: ServerType) =>
  new Promise<number>((resolve, reject) => (server as Server).getConnections((error, count) => (error ? reject(error) : resolve(count))));
/**
 * Resolves once neither server holds a connection and the read models have applied the whole log.
 * The load generator closes its connections when a slice ends; a server closes each only after
 * reading, and answering, what was sent on it before. (Counting requests in flight would not do: a
 * handler that never yields is never seen in flight.) The read models apply a slice's writes after
 * it: that work is the slice's too, and would otherwise fall in the next meter's slice.
 */
async function settled(): Promise<void> {
  for (;;) {
    const open = (await connections(portalServer.server)) + (await connections(bareServer.server));
    if (open === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const last = await store.lastPosition();
  if (last !== undefined) await readModels.runner.waitFor(last);
}
const portalServer = await listen(app.fetch);
const bareServer = await listen(bare.fetch);

// The core's own rates, asked by the parent between its load slices.
const staff = { tenantId: FIRM, actor: { kind: 'staff', userId: ADMIN } } as const;
let commands: ((seconds: number) => Promise<Sample>) | undefined;
async function counterCommands(callers: number) {
  if (!commands) {
    const commandStore = sqliteEventStore({ path: freshPath('http-commands') });
    await seedStreams(commandStore, 'many');
    commands = await commandRoundTrips(commandStore, 'many', callers);
  }
  return commands;
}

/** One slice of an in-process meter, `callers` concurrent loops for `seconds`. */
async function coreSlice(meter: CoreMeter, seconds: number, callers: number): Promise<Sample> {
  if (meter === 'counter-commands') return (await counterCommands(callers))(seconds);
  if (meter === 'create-clients') return measure(seconds, callers, async () => void (await portal.clients.createClient(staff, newClient)));
  const list = texts[meter.slice('search:'.length) as keyof typeof texts];
  let next = 0;
  return measure(seconds, callers, async () => void (await portal.clientList.search(staff, { text: list[next++ % list.length]!, limit: 50 })));
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

process.on('message', async (message: ToServer) => {
  try {
    if (message.kind === 'stop') {
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(join(profileDir!, `http-server-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      }
      portalServer.server.close();
      bareServer.server.close();
      await readModels.stop();
      await store.close();
      process.exit(0);
    } else if (message.kind === 'idle') {
      await settled();
      send({ kind: 'idle', cpuMicros: cpuMicros(), served });
    } else {
      const before = cpuMicros();
      const sample = await coreSlice(message.kind, message.seconds, message.callers);
      await settled();
      send({ kind: 'sample', ...sample, cpuMicros: cpuMicros() - before });
    }
  } catch (error) {
    send({ kind: 'failed', message: String((error as Error).stack ?? error) });
  }
});

// With a profile directory: a CPU profile of the serving only (seeding left out), written on stop.
let profiler: Session | undefined;
if (profileDir) {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

send({
  kind: 'ready',
  portalPort: portalServer.port,
  barePort: bareServer.port,
  token,
  seeding: { events, clients: config.BENCH_CLIENTS, written, caughtUp },
  answers,
});
