/**
 * The OneDrive part of `npm start`: the connector, Graph client, folder resolver and sync runner
 * over the service's SQLite file, configured by ONEDRIVE_*; with `--demo`, the Graph simulator on
 * loopback instead of Microsoft (MSAL keeps its real authority through the loopback network
 * client), the demo firm connected to it and demo clients linked to folders with files.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EmbeddedPortal } from '../embedded.js';
import { OneDriveConnector } from '../onedrive/connector.js';
import { graphFolderResolver } from '../onedrive/folder-resolver.js';
import { OneDriveGraph } from '../onedrive/graph.js';
import { loopbackNetworkClient } from '../onedrive/loopback-network.js';
import { startGraphSimulator, type GraphSimulator } from '../onedrive/simulator/server.js';
import { startOneDriveSync, type OneDriveSync } from '../onedrive/sync-runner.js';
import { sqliteTokenCaches } from '../onedrive/token-cache.js';
import type { BlobStore } from '../../src/core/blob-store.js';
import type { FolderResolver } from '../../src/folder-link/resolver.js';
import type { Config } from './config.js';
import { completeConnect, type OneDriveParts } from './onedrive-routes.js';

const DEMO_CLIENT_ID = '00000000-1111-2222-3333-444444444444';

export interface ServiceOneDrive {
  /** For openEmbeddedPortal: answers once `attach` has run. */
  resolver: FolderResolver;
  attach(embedded: EmbeddedPortal, blobs: BlobStore, logger: Logger): OneDriveParts & { sync: OneDriveSync };
  /** Demo only: connects the demo firm to the simulator and links clients to folders with files. */
  seedDemo(embedded: EmbeddedPortal, pat: { tenantId: string; actor: { kind: 'staff'; userId: string } }): Promise<string[]>;
  close(): Promise<void>;
}

export async function openServiceOneDrive(config: Config): Promise<ServiceOneDrive | null> {
  if (!config.oneDrive && !config.demo) return null;
  const sim: GraphSimulator | null = config.oneDrive ? null : await startGraphSimulator({ host: '127.0.0.1' });
  let resolver: FolderResolver | undefined;
  let parts: (OneDriveParts & { sync: OneDriveSync }) | undefined;
  const settings = config.oneDrive ?? {
    clientId: DEMO_CLIENT_ID,
    clientSecret: 'demo',
    redirectUri: `${config.publicUrl}/onedrive/callback`,
    cacheKey: randomBytes(32),
    pollSeconds: 10,
    concurrency: 4,
  };
  // The demo's own simulator, or one running elsewhere on loopback (ONEDRIVE_SIMULATOR_URL).
  const simulatorUrl = sim?.url ?? config.oneDrive?.simulatorUrl;
  return {
    resolver: {
      resolve: (...args) => {
        if (!resolver) throw new Error('OneDrive is not ready yet.');
        return resolver.resolve(...args);
      },
    },
    attach(embedded, blobs, logger) {
      const connector = new OneDriveConnector({
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        redirectUri: settings.redirectUri,
        caches: sqliteTokenCaches(embedded.db, settings.cacheKey),
        ...(simulatorUrl ? { networkClient: loopbackNetworkClient(simulatorUrl) } : {}),
      });
      const graph = new OneDriveGraph({ connector, ...(simulatorUrl ? { baseUrl: simulatorUrl } : {}) });
      resolver = graphFolderResolver(graph);
      const log = logger.child({ component: 'onedrive' });
      const sync = startOneDriveSync({
        portal: embedded.portal,
        graph,
        blobs,
        db: embedded.db,
        pollIntervalMs: settings.pollSeconds * 1000,
        concurrency: settings.concurrency,
        log: { info: (f, m) => log.info(f, m), warn: (f, m) => log.warn(f, m) },
        onDisconnected: (firmId) => connector.forget(firmId),
      });
      return (parts = { connector, graph, sync });
    },
    async seedDemo(embedded, pat) {
      if (!sim || !parts) return [];
      const { portal } = embedded;
      const d = sim.personal;
      const folders: Array<[string, string[]]> = [
        ['Ann Active', ['Engagement letter.txt', 'Tax/2025 notes.txt']],
        ['Wendy Waiting', ['Welcome.txt']],
      ];
      d.addFolder('/', 'Clients');
      const login = await parts.connector.startLogin({ firmId: pat.tenantId, userId: pat.actor.userId });
      const back = sim.login(login.loginUrl);
      await completeConnect(portal, parts, parts.connector.takeLogin(back.searchParams.get('state')!), back.searchParams.get('code')!);
      for (const [name, files] of folders) {
        d.addFolder('/Clients', name);
        for (const file of files) {
          const parts = file.split('/');
          if (parts.length > 1) d.addFolder(`/Clients/${name}`, parts[0]!);
          d.addFile(`/Clients/${name}${parts.length > 1 ? `/${parts[0]}` : ''}`, parts.at(-1)!, `${file} for ${name} (a demo file in the simulated OneDrive)\n`);
        }
        const client = (await portal.clientList.folders(pat, { text: name })).items[0];
        if (client) await portal.folders.linkFolder(pat, { clientId: client.clientId, folderUrl: sim.share(d, `/Clients/${name}`) });
      }
      return [
        '',
        `Simulated OneDrive Personal (Graph simulator) on ${sim.url}: the demo firm is connected; ${folders.map(([n]) => n).join(' and ')} are linked to /Clients/<name>.`,
        `  polled every ${settings.pollSeconds} s; change the drive and watch the documents arrive:`,
        `  curl -s ${sim.url}/_sim/drives/me/tree`,
        `  curl -s ${sim.url}/_sim/drives/me/add -d '{"path":"/Clients/Ann Active/new.txt","content":"hello"}'`,
        `  curl -s ${sim.url}/_sim/drives/me/rename -d '{"path":"/Clients/Ann Active/new.txt","name":"renamed.txt"}'`,
        `  curl -s ${sim.url}/_sim/drives/me/delete -d '{"path":"/Clients/Ann Active/renamed.txt"}'`,
      ];
    },
    async close() {
      await parts?.sync.stop();
      await sim?.close();
    },
  };
}
