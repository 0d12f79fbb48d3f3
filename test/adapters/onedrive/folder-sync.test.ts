/** pollFolder against a stubbed Graph: what it does with answers the simulator never sends. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { memoryBlobStore } from '../../../adapters/blobs/memory-blob-store.js';
import { pollFolder, type FolderSyncDeps } from '../../../adapters/onedrive/folder-sync.js';
import type { OneDriveGraph } from '../../../adapters/onedrive/graph.js';
import { sqliteSyncStore } from '../../../adapters/onedrive/sync-store.js';
import type { Portal } from '../../../src/application/portal.js';

function stubbed(page: unknown) {
  const store = sqliteSyncStore(new Database(':memory:'));
  store.setFirm('firm', 'connected');
  store.upsertFolder({ clientId: 'client', firmId: 'firm', driveId: 'd1', itemId: 'root' });
  const failures: unknown[] = [];
  const portal = { folders: { recordFolderSyncFailure: async (_c: unknown, report: unknown) => void failures.push(report) } } as unknown as Portal;
  const graph = { getOnce: async () => page, relative: (link: string) => link } as unknown as OneDriveGraph;
  const deps: FolderSyncDeps = {
    portal, graph, store, blobs: memoryBlobStore(),
    log: { info: () => undefined, warn: () => undefined },
    now: () => new Date('2026-01-15T09:00:00Z'), random: () => 0.5, sleep: async () => undefined,
    maxFileBytes: 1_000_000, onNeedsReconnect: async () => undefined,
  };
  return { deps, store, failures };
}

describe('a page Graph sent that the sync cannot read', () => {
  it('stops the poll and records the failure on the folder, keeping the state to resume from', async () => {
    const { deps, store, failures } = stubbed({ value: [{ name: 'no id' }], '@odata.deltaLink': 'https://graph/delta?token=1' });
    const outcome = await pollFolder(deps, store.folder('client')!);
    expect(outcome).toBe('stopped');
    expect(failures).toEqual([expect.objectContaining({ clientId: 'client', code: 'onedrive_unreadable_answer' })]);
    expect(store.folder('client')!.state).toMatchObject({ deltaLink: null, lastError: { code: 'onedrive_unreadable_answer' } });
  });
});
