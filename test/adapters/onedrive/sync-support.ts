/**
 * The portal with the real OneDrive adapter (MSAL connector, Graph client, folder resolver, sync
 * runner) against the Graph simulator: a firm connected through the HTTP connect and callback routes.
 */
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { memoryBlobStore } from '../../../adapters/blobs/memory-blob-store.js';
import { createHttpApp } from '../../../adapters/http/app.js';
import { memoryCredentials } from '../../../adapters/http/credentials/memory-credentials.js';
import { OneDriveConnector } from '../../../adapters/onedrive/connector.js';
import { graphFolderResolver } from '../../../adapters/onedrive/folder-resolver.js';
import { OneDriveGraph } from '../../../adapters/onedrive/graph.js';
import { loopbackNetworkClient } from '../../../adapters/onedrive/loopback-network.js';
import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from '../../../adapters/onedrive/simulator/server.js';
import { startOneDriveSync, type OneDriveSyncOptions } from '../../../adapters/onedrive/sync-runner.js';
import { memoryTokenCaches } from '../../../adapters/onedrive/token-cache.js';
import { createPortal } from '../../../src/application/portal.js';
import type { BlobStore } from '../../../src/core/blob-store.js';
import type { EventStore } from '../../../src/core/event-store.js';
import { syncedDocumentId } from '../../../src/document/onedrive.js';
import { givenClient, givenFirm, testPortal } from '../../support/portal.js';

export const REDIRECT_URI = 'http://127.0.0.1:3000/onedrive/callback';

/** `store` and `blobs`: the portal's own (the benchmark's SQLite file and blob folder); in memory by default. */
export async function oneDriveWorld(options: { sim?: GraphSimulatorOptions; sync?: Partial<OneDriveSyncOptions>; store?: EventStore; blobs?: BlobStore } = {}) {
  const sim = await startGraphSimulator(options.sim ?? {});
  const caches = memoryTokenCaches();
  const connector = new OneDriveConnector({
    clientId: '00000000-1111-2222-3333-444444444444',
    clientSecret: 'secret',
    redirectUri: REDIRECT_URI,
    caches,
    networkClient: loopbackNetworkClient(sim.url),
  });
  const graph = new OneDriveGraph({ connector, baseUrl: sim.url, retries: 0 });
  const blobs = options.blobs ?? memoryBlobStore();
  const test = testPortal({ blobs, ...(options.store ? { store: options.store } : {}) });
  const portal = createPortal({ ...test.deps, folderResolver: graphFolderResolver(graph) });
  const credentials = memoryCredentials();
  const app = createHttpApp({ portal, credentials, blobs, logger: pino({ level: 'silent' }), clock: test.clock, oneDrive: { connector, graph } });
  const { tenantId, admin } = await givenFirm(test.ctx);
  const { token } = await credentials.issueStaffToken({ firmId: tenantId, userId: (admin.actor as { userId: string }).userId, label: 'test' });
  const db: Database.Database = new Database(':memory:');
  const sync = startOneDriveSync({ portal, graph, blobs, db, timer: false, sleep: async () => undefined, random: () => 0.5, ...options.sync });

  const http = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };

  /** Connect through the routes: start, the simulated Microsoft login, the callback. */
  const connect = async () => {
    const started = await http('POST', '/onedrive/connect');
    const back = sim.login(started.body.loginUrl);
    const callback = `/onedrive/callback${back.search}`;
    const answer = await app.request(callback);
    return { status: answer.status, body: (await answer.json()) as Record<string, any>, loginUrl: started.body.loginUrl as string };
  };

  const client = async (name = 'Acme Trading') => (await givenClient(test.ctx, admin, { name })).clientId;

  /** Polls until nothing is due (every folder made due first). */
  const poll = async () => {
    sync.dueNow();
    return sync.pollDue();
  };

  /** The client's current documents, by folder path and name. */
  const documents = async (clientId: string) => {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await portal.documents.list(admin, { clientId, limit: 200, ...(cursor ? { cursor } : {}) });
      names.push(...page.items.map((d) => (d.folderPath ? `${d.folderPath}/${d.name}` : d.name)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return names.sort();
  };

  const close = async () => {
    await sync.stop();
    await sim.close();
  };
  return { sim, caches, connector, graph, blobs, test, portal, app, admin, tenantId, http, connect, client, sync, poll, documents, close, syncedDocumentId };
}

export type World = Awaited<ReturnType<typeof oneDriveWorld>>;

/** What the drive holds under a folder: every file's relative path, sorted. */
export function filesUnder(sim: GraphSimulator, path: string): string[] {
  const root = sim.personal.byPath(path);
  const out: string[] = [];
  const walk = (id: string, prefix: string) => {
    for (const childId of sim.personal.items.get(id)!.children) {
      const child = sim.personal.items.get(childId)!;
      if (child.deleted) continue;
      const rel = prefix ? `${prefix}/${child.name}` : child.name;
      if (child.kind === 'folder') walk(child.id, rel);
      else if (child.kind === 'file') out.push(rel);
    }
  };
  walk(root.id, '');
  return out.sort();
}
