import { createHash } from 'node:crypto';
import { blobHex, checkContent, checkPutOptions, checkRange, chunksOf, countChunk } from '../../src/core/blob-input.js';
import type { BlobInfo, BlobStore } from '../../src/core/blob-store.js';
import { contentGuard } from './content-guard.js';

/** The memory store hands bytes out in chunks of this size, as a file stream would. */
const CHUNK_BYTES = 64 * 1024;

export interface MemoryBlobStore extends BlobStore {
  /** How many blobs it holds. */
  readonly count: number;
}

/**
 * Blobs in process memory, for tests and embedding. The same rules and the same streaming shape as
 * the file-system store (puts and deletes of the same content coordinated as there), but every blob
 * (and every upload in progress) lives in the heap.
 */
export function memoryBlobStore(): MemoryBlobStore {
  const blobs = new Map<string, Uint8Array>();
  const guard = contentGuard();
  return {
    get count() {
      return blobs.size;
    },

    async put(body, options) {
      checkPutOptions(options);
      const hash = createHash('sha256');
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of chunksOf(body)) {
        size = countChunk(size, chunk, options);
        hash.update(chunk);
        // A copy: the caller may reuse its buffer once the next chunk is asked for.
        chunks.push(new Uint8Array(chunk));
      }
      const info: BlobInfo = { contentHash: `sha256:${hash.digest('hex')}`, size };
      checkContent(info, options);
      return guard.place(info.contentHash, options.holdUntil, async () => {
        if (!blobs.has(info.contentHash)) blobs.set(info.contentHash, concat(chunks, size));
        return info;
      });
    },

    async stat(contentHash) {
      blobHex(contentHash);
      const bytes = blobs.get(contentHash);
      return bytes ? { contentHash, size: bytes.byteLength } : null;
    },

    async get(contentHash, range) {
      blobHex(contentHash);
      const bytes = blobs.get(contentHash);
      if (!bytes) return null;
      if (range) checkRange(range, bytes.byteLength);
      const end = range ? range.end + 1 : bytes.byteLength;
      let at = range ? range.start : 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= end) return controller.close();
          const next = Math.min(at + CHUNK_BYTES, end);
          controller.enqueue(bytes.slice(at, next));
          at = next;
        },
      });
    },

    async delete(contentHash, options) {
      blobHex(contentHash);
      return guard.delete(contentHash, options, async () => blobs.delete(contentHash));
    },
  };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}
