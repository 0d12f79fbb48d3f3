// OneDrive sync figures against the Graph simulator on loopback:
// 1. first sync of a 10,000-file folder: time and Graph requests, beside the raw Graph listing of
//    the same folder (folder delta paged to the end, nothing applied) measured in the same run;
// 2. one poll cycle over 1,000 linked folders, all unchanged: requests and time.
// Files are a few bytes each, so the time is the sync's own work, not payload transfer.
import { cpus } from 'node:os';
import { oneDriveWorld } from '../test/adapters/onedrive/sync-support.js';

const FILES = 10_000;
const FOLDERS = 1_000;

async function firstSync() {
  const w = await oneDriveWorld({ sim: { delta: { pageSize: 200 } } });
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
    start = performance.now();
    await w.poll();
    const syncMs = performance.now() - start;
    const byRoute = w.sim.requests.byRoute() as Record<string, number>;
    const documents = (await w.documents(clientId)).length;
    return { listed, listingMs, listingRequests, syncMs, graphRequests: w.sim.requests.graph(), deltaRequests: byRoute.delta ?? 0, downloads: byRoute.download ?? byRoute._download ?? 0, documents };
  } finally {
    await w.close();
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

const first = await firstSync();
const cycle = await unchangedPoll();
console.log(`OneDrive sync (${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version})`);
console.log(`first sync of ${FILES} files: ${(first.syncMs / 1000).toFixed(2)} s, ${first.graphRequests} Graph requests (${first.deltaRequests} listing = 1 per ${Math.round(FILES / Math.max(1, first.deltaRequests))} items), ${first.documents} documents`);
console.log(`  baseline, the raw delta listing of the same folder: ${(first.listingMs / 1000).toFixed(2)} s, ${first.listingRequests} requests, ${first.listed} entries`);
console.log(`poll cycle over ${cycle.folders} unchanged folders: ${(cycle.ms / 1000).toFixed(2)} s, ${cycle.requests} Graph requests (${cycle.unchanged} unchanged)`);
