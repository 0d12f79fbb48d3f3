import { createHash, randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { blobHex, checkContent, checkPutOptions, checkRange, chunksOf, countChunk } from '../../src/core/blob-input.js';
import type { BlobInfo, BlobStore } from '../../src/core/blob-store.js';
import { contentGuard } from './content-guard.js';

export interface FsBlobStoreOptions {
  /** The store's own directory, e.g. `<data dir>/blobs`: blobs under `sha256/`, uploads in progress under `tmp/`. */
  dir: string;
  /** Temp files unwritten for this long are a crash's leftovers, removed when the store opens (default: an hour). */
  staleTempMs?: number;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * Blobs as files, `dir/sha256/ab/cd/<hex>`. A put streams into its own temp file in `dir/tmp/`
 * (same file system, so the final rename is atomic), hashing as it writes; only a complete, checked
 * and fsynced file is renamed into place. Concurrent puts of the same content each write their own
 * temp file: the first rename places the blob, the others find it there and drop theirs.
 *
 * Placing and deleting the same content take turns (content-guard.ts), so a put never answers
 * "stored" for a file a delete is removing: it waits, then renames its own temp file into place.
 * That holds within this store object only. Two processes (or two stores) on one directory are not
 * coordinated: one's delete can remove a blob the other just found there.
 */
export function fsBlobStore(options: FsBlobStoreOptions): BlobStore {
  const { dir } = options;
  const tmp = join(dir, 'tmp');
  const pathOf = (hex: string) => join(dir, 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
  const ready = mkdir(tmp, { recursive: true }).then(() => sweep(tmp, options.staleTempMs ?? HOUR_MS));
  const guard = contentGuard();
  // A failure shows in the first put, which awaits it.
  ready.catch(() => undefined);

  return {
    async put(body, putOptions) {
      checkPutOptions(putOptions);
      await ready;
      const temp = join(tmp, `${randomUUID()}.part`);
      let file: FileHandle | undefined = await open(temp, 'wx');
      try {
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of chunksOf(body)) {
          size = countChunk(size, chunk, putOptions);
          hash.update(chunk);
          await writeAll(file, chunk);
        }
        await file.sync();
        await file.close();
        file = undefined;
        const info: BlobInfo = { contentHash: `sha256:${hash.digest('hex')}`, size };
        checkContent(info, putOptions);
        // In turn with deletes of this content: found there, it stays until the put has answered.
        await guard.place(info.contentHash, putOptions.holdUntil, () => place(temp, pathOf(blobHex(info.contentHash))));
        return info;
      } catch (error) {
        await file?.close().catch(() => undefined);
        await rm(temp, { force: true }).catch(() => undefined);
        throw error;
      }
    },

    async stat(contentHash) {
      const path = pathOf(blobHex(contentHash));
      try {
        return { contentHash, size: (await stat(path)).size };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async get(contentHash, range) {
      const path = pathOf(blobHex(contentHash));
      let file: FileHandle;
      try {
        file = await open(path, 'r');
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      try {
        if (range) checkRange(range, (await file.stat()).size);
      } catch (error) {
        await file.close();
        throw error;
      }
      // The stream owns the handle from here: it closes it at the end, on error and on cancel.
      const stream = file.createReadStream(range ? { start: range.start, end: range.end } : {});
      return Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
    },

    async delete(contentHash, deleteOptions) {
      const path = pathOf(blobHex(contentHash));
      return guard.delete(contentHash, deleteOptions, async () => {
        try {
          await unlink(path);
          return true;
        } catch (error) {
          if (isMissing(error)) return false;
          throw error;
        }
      });
    },
  };
}

/** Moves a complete temp file to its blob path, durably; if the blob is there already, drops the temp. */
async function place(temp: string, target: string): Promise<void> {
  if (await exists(target)) return rm(temp, { force: true });
  const leaf = dirname(target);
  const firstMade = await mkdir(leaf, { recursive: true });
  await rename(temp, target);
  // The rename lasts a crash only once its directory is synced, and a directory just made only once its parent is.
  await syncDir(leaf);
  if (firstMade === undefined) return;
  for (let d = leaf; d !== dirname(firstMade) && d !== dirname(d); d = dirname(d)) await syncDir(dirname(d));
}

/** A write may take part of a buffer (a full disk, a signal): write until all of it is on its way. */
async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let done = 0; done < chunk.byteLength; ) {
    const { bytesWritten } = await file.write(chunk, done, chunk.byteLength - done);
    done += bytesWritten;
  }
}

async function syncDir(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or sync a directory; the rename itself is still atomic.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/** Removes temp files nobody has written to for `staleMs`: uploads a crash cut short. */
async function sweep(tmp: string, staleMs: number): Promise<void> {
  const now = Date.now();
  for (const entry of await readdir(tmp, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(tmp, entry.name);
    try {
      if (now - (await stat(path)).mtimeMs > staleMs) await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';
