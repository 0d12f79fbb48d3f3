// OneDrive sync figures against the Graph simulator on loopback:
// 1. first sync of a 10,000-file folder: time and Graph requests, beside the raw Graph listing of
//    the same folder (folder delta paged to the end, nothing applied) measured in the same run;
// 2. one poll cycle over 1,000 linked folders, all unchanged: requests and time.
// The first sync runs twice: on the in-memory store and blob store, and on the production stores
// (the SQLite event store with FULL durability in bench/.tmp, the fs blob store fsyncing each blob).
// Files are a few bytes each; the time of the 10,000 download requests and of the blob writes (which
// read the download body) is metered and shown apart, as the "payload transfer aside" asks.
import { join } from 'node:path';
import { cpus } from 'node:os';
import { fsBlobStore } from '../adapters/blobs/fs-blob-store.js';
import { sqliteEventStore } from '../adapters/event-store/sqlite.js';
import type { BlobStore } from '../src/core/blob-store.js';
import { oneDriveWorld } from '../test/adapters/onedrive/sync-support.js';
import { freshPath, fsyncsPerSecond, removeTmp } from './support.js';

const FILES = 10_000;
const FOLDERS = 1_000;

/** Sums of the time spent in each part of the sync (the decisions run one after another, so the parts add up). */
interface Meters {
  listing: number;
  downloadRequests: number;
  blobWrites: number;
  appends: number;
  /** Wall time with a download request or a blob write in flight (equal to their sum when one runs at a time). */
  transferWall: number;
}

/** Counts wall time while at least one transfer is in flight. */
function transferClock(meters: Meters) {
  let inFlight = 0;
  let since = 0;
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (inFlight++ === 0) since = performance.now();
    try {
      return await work();
    } finally {
      if (--inFlight === 0) meters.transferWall += performance.now() - since;
    }
  };
}

function metered<T extends object>(target: T, key: keyof T, add: (ms: number) => void, around = <R>(work: () => Promise<R>) => work()): void {
  const original = (target[key] as (...args: unknown[]) => Promise<unknown>).bind(target);
  (target as Record<keyof T, unknown>)[key] = (...args: unknown[]) =>
    around(async () => {
      const start = performance.now();
      try {
        return await original(...args);
      } finally {
        add(performance.now() - start);
      }
    });
}

async function firstSync(stores: 'memory' | 'production', applyConcurrency: number) {
  const dir = freshPath('onedrive').replace(/\.db$/, '');
  const production = stores === 'production' ? { store: sqliteEventStore({ path: `${dir}.db` }), blobs: fsBlobStore({ dir: join(dir, 'blobs') }) as BlobStore } : {};
  const w = await oneDriveWorld({ sim: { delta: { pageSize: 200 } }, sync: { applyConcurrency }, ...production });
  const meters: Meters = { listing: 0, downloadRequests: 0, blobWrites: 0, appends: 0, transferWall: 0 };
  const transfer = transferClock(meters);
  const realFetch = globalThis.fetch;
  try {
    await w.connect();
    w.sim.personal.addFolder('/', 'Big');
    w.sim.personal.seedFiles('/Big', FILES, (i) => `file-${i}.txt`, (i) => `content ${i}`);
    const folder = w.sim.personal.byPath('/Big');
    const clientId = await w.client();
    await w.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: w.sim.share(w.sim.personal, '/Big') });

    // Baseline: the raw listing through the same Graph client.
    w.sim.requests.reset();
    let start = performance.now();
    let link: string | undefined = `/drives/${encodeURIComponent(w.sim.personal.id)}/items/${encodeURIComponent(folder.id)}/delta`;
    let listed = 0;
    while (link) {
      const page = (await w.graph.getOnce(w.tenantId, w.graph.relative(link))) as { value: unknown[]; '@odata.nextLink'?: string };
      listed += page.value.length;
      link = page['@odata.nextLink'];
    }
    const listingMs = performance.now() - start;
    const listingRequests = w.sim.requests.graph();

    w.sim.requests.reset();
    metered(w.graph, 'getOnce', (ms) => (meters.listing += ms));
    metered(w.blobs, 'put', (ms) => (meters.blobWrites += ms), transfer);
    metered(w.portal.documents, 'applySyncedChange', (ms) => (meters.appends += ms));
    globalThis.fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!url.includes('/_download/')) return realFetch(input, init);
      return transfer(async () => {
        const begin = performance.now();
        try {
          return await realFetch(input, init);
        } finally {
          meters.downloadRequests += performance.now() - begin;
        }
      });
    };
    start = performance.now();
    await w.poll();
    const syncMs = performance.now() - start;
    globalThis.fetch = realFetch;
    const byRoute = w.sim.requests.byRoute() as Record<string, number>;
    const documents = (await w.documents(clientId)).length;
    return { stores, applyConcurrency, listed, listingMs, listingRequests, syncMs, meters, graphRequests: w.sim.requests.graph(), deltaRequests: byRoute.delta ?? 0, downloads: byRoute.download ?? 0, documents };
  } finally {
    globalThis.fetch = realFetch;
    await w.close();
    (production.store as { close?: () => unknown } | undefined)?.close?.();
  }
}

async function unchangedPoll() {
  const w = await oneDriveWorld({ sync: { concurrency: 8 } });
  try {
    await w.connect();
    w.sim.personal.addFolder('/', 'Clients');
    for (let i = 0; i < FOLDERS; i++) {
      w.sim.personal.addFolder('/Clients', `c${i}`);
      w.sim.personal.addFile(`/Clients/c${i}`, 'a.txt', `a ${i}`);
      const clientId = await w.client(`Client ${i}`);
      await w.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: w.sim.share(w.sim.personal, `/Clients/c${i}`) });
    }
    await w.poll();
    w.sim.requests.reset();
    const start = performance.now();
    const outcomes = await w.poll();
    return { folders: outcomes.size, ms: performance.now() - start, requests: w.sim.requests.graph(), unchanged: [...outcomes.values()].filter((o) => o === 'unchanged').length };
  } finally {
    await w.close();
  }
}

const fsyncsBefore = fsyncsPerSecond();
// Baseline first: decisions applied one at a time, as before this change (applyConcurrency 1).
const runs = [];
for (const stores of ['memory', 'production'] as const) for (const n of [1, 8]) runs.push(await firstSync(stores, n));
const cycle = await unchangedPoll();
const fsyncsAfter = fsyncsPerSecond();
removeTmp();
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`OneDrive sync (${new Date().toISOString().slice(0, 16)}Z, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, fsync/s of bench/.tmp: ${Math.round(fsyncsBefore)} before, ${Math.round(fsyncsAfter)} after)`);
for (const first of runs) {
  const m = first.meters;
  console.log(`first sync of ${FILES} files, ${first.stores} stores, ${first.applyConcurrency} at once: ${s(first.syncMs)}; without transfer in flight ${s(first.syncMs - m.transferWall)} (transfer ${s(m.transferWall)} of wall time); ${first.graphRequests} Graph requests (${first.deltaRequests} listing = 1 per ${Math.round(FILES / Math.max(1, first.deltaRequests))} items), ${first.downloads} downloads, ${first.documents} documents`);
  console.log(`  time summed over the calls: listing ${s(m.listing)}, download requests ${s(m.downloadRequests)}, blob writes (reading the body) ${s(m.blobWrites)}, appends ${s(m.appends)}`);
  console.log(`  baseline, the raw delta listing of the same folder: ${s(first.listingMs)}, ${first.listingRequests} requests, ${first.listed} entries`);
}
console.log(`poll cycle over ${cycle.folders} unchanged folders: ${(cycle.ms / 1000).toFixed(2)} s, ${cycle.requests} Graph requests (${cycle.unchanged} unchanged)`);
