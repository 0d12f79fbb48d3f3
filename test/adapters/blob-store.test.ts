import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fsBlobStore } from '../../adapters/blobs/fs-blob-store.js';
import { memoryBlobStore } from '../../adapters/blobs/memory-blob-store.js';
import { blobStoreContract } from '../contract/blob-store.contract.js';

const root = mkdtempSync(join(tmpdir(), 'blob-store-'));
let dirs = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir`, recursively, with its size. */
async function filesUnder(dir: string): Promise<Array<{ path: string; size: number }>> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(files.map(async (path) => ({ path, size: (await stat(path)).size })));
}

const blobPath = (dir: string, contentHash: string) => {
  const hex = contentHash.slice('sha256:'.length);
  return join(dir, 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
};

blobStoreContract('files', async () => {
  const dir = join(root, `store-${++dirs}`);
  return {
    store: fsBlobStore({ dir }),
    holdings: async () => ({ blobs: (await filesUnder(join(dir, 'sha256'))).length, partial: (await filesUnder(join(dir, 'tmp'))).length }),
    disk: {
      partialBytes: async () => (await filesUnder(join(dir, 'tmp'))).reduce((sum, f) => sum + f.size, 0),
      truncate: (contentHash, size) => truncate(blobPath(dir, contentHash), size),
    },
  };
});

blobStoreContract(
  'memory',
  async () => {
    const store = memoryBlobStore();
    return { store, holdings: async () => ({ blobs: store.count, partial: 0 }) };
  },
  { inMemoryBecause: 'the memory store keeps every blob in the heap by design' },
);

describe('fsBlobStore', () => {
  const content = Buffer.from('the 2024 tax return');
  const contentHash = `sha256:${createHash('sha256').update(content).digest('hex')}`;

  it('files a blob as sha256/<2 hex>/<2 hex>/<hex> under its directory', async () => {
    const dir = join(root, `layout-${++dirs}`);
    await fsBlobStore({ dir }).put(Readable.from([content]), { maxBytes: 1000 });
    expect((await filesUnder(join(dir, 'sha256'))).map((f) => f.path)).toEqual([blobPath(dir, contentHash)]);
  });

  it('removes temp files a crash left behind more than an hour ago when it opens, and leaves fresh ones', async () => {
    const dir = join(root, `sweep-${++dirs}`);
    await mkdir(join(dir, 'tmp'), { recursive: true });
    const stale = join(dir, 'tmp', 'stale.part');
    const fresh = join(dir, 'tmp', 'fresh.part');
    await writeFile(stale, 'half an upload');
    await writeFile(fresh, 'an upload in progress elsewhere');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);

    const store = fsBlobStore({ dir });
    await store.put(Readable.from([content]), { maxBytes: 1000 });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('finds blobs a previous opening stored', async () => {
    const dir = join(root, `reopen-${++dirs}`);
    await fsBlobStore({ dir }).put(Readable.from([content]), { maxBytes: 1000 });
    expect(await fsBlobStore({ dir }).stat(contentHash)).toEqual({ contentHash, size: content.byteLength });
  });
});
