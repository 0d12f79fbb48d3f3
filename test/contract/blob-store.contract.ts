import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/core/blob-store.js';
import { refusal } from '../support/refusal.js';

export interface BlobStoreUnderTest {
  store: BlobStore;
  /** What the store holds behind the port: complete blobs, and partial uploads (temp files). */
  holdings(): Promise<{ blobs: number; partial: number }>;
  /**
   * For a store that keeps bytes out of the heap: the bytes of uploads in progress, and a way to cut a
   * stored blob short behind the store's back. Together they show both directions stream.
   */
  disk?: { partialBytes(): Promise<number>; truncate(contentHash: string, size: number): Promise<void> };
}

export interface BlobStoreContractOptions {
  /** Why a store without `disk` holds blobs in the heap: the checks that need `disk` are skipped, saying so. */
  inMemoryBecause?: string;
}

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** `size` bytes that differ from position to position, so a range that is off by one reads wrong. */
function bytesOf(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return bytes;
}

/** A source that yields `bytes` in chunks and records how far it was read and whether it was closed. */
function source(bytes: Uint8Array, chunkSize: number) {
  const seen = { chunks: 0, closed: false };
  async function* chunks() {
    try {
      for (let at = 0; at < bytes.byteLength; at += chunkSize) {
        seen.chunks++;
        // A turn of the event loop between chunks, as a network body has: concurrent puts interleave.
        await new Promise((resolve) => setImmediate(resolve));
        yield bytes.slice(at, at + chunkSize);
      }
    } finally {
      seen.closed = true;
    }
  }
  return { body: chunks(), seen };
}

/** Bytes as their size and hash: compared in a line, where a deep equality of big buffers takes seconds. */
const summary = (bytes: Uint8Array) => ({ size: bytes.byteLength, contentHash: sha256(bytes) });

async function readBack(stream: ReadableStream<Uint8Array> | null): Promise<{ size: number; contentHash: string }> {
  expect(stream).not.toBeNull();
  const parts: Uint8Array[] = [];
  for await (const chunk of stream!) parts.push(chunk);
  return summary(Buffer.concat(parts));
}

const malformedHashes: unknown[] = [
  '',
  'sha256:',
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha256:${'A'.repeat(64)}`,
  `sha1:${'a'.repeat(40)}`,
  'a'.repeat(64),
  `sha256:${'a'.repeat(64)}\n`,
  `sha256:../../${'a'.repeat(58)}`,
  `sha256:${'a'.repeat(60)}/../`,
  123,
  null,
];

/** What every blob store promises: content addressing, limits, checks, ranges, streams both ways. */
export function blobStoreContract(name: string, open: () => Promise<BlobStoreUnderTest>, options: BlobStoreContractOptions = {}): void {
  const inMemory = options.inMemoryBecause;
  describe(`blob store: ${name}`, () => {
    let store: BlobStore;
    let under: BlobStoreUnderTest;
    const nothingHeld = async () => expect(await under.holdings()).toEqual({ blobs: 0, partial: 0 });

    beforeEach(async () => {
      under = await open();
      store = under.store;
    });

    it('stores content under its SHA-256 and gives the same bytes back', async () => {
      const bytes = bytesOf(300_000);
      const info = await store.put(source(bytes, 10_000).body, { maxBytes: MiB });
      expect(info).toEqual({ contentHash: sha256(bytes), size: bytes.byteLength });
      expect(await store.stat(info.contentHash)).toEqual(info);
      expect(await readBack(await store.get(info.contentHash))).toEqual(summary(bytes));
    });

    it('takes a web ReadableStream, a Node Readable and empty content alike', async () => {
      const bytes = bytesOf(1000, 1);
      const web = ReadableStream.from([bytes.slice(0, 400), bytes.slice(400)]) as ReadableStream<Uint8Array>;
      expect(await store.put(web, { maxBytes: MiB })).toEqual({ contentHash: sha256(bytes), size: 1000 });
      const node = Readable.from([Buffer.from(bytesOf(10, 2))]);
      expect((await store.put(node, { maxBytes: MiB })).contentHash).toBe(sha256(bytesOf(10, 2)));
      const empty = await store.put(source(new Uint8Array(0), 1).body, { maxBytes: 0 });
      expect(empty).toEqual({ contentHash: sha256(new Uint8Array(0)), size: 0 });
      expect(await readBack(await store.get(empty.contentHash))).toEqual(summary(new Uint8Array(0)));
    });

    it('reads ranges: the first byte, the last byte, the middle and the whole', async () => {
      const bytes = bytesOf(200_000, 3);
      const { contentHash } = await store.put(source(bytes, 65_536).body, { maxBytes: MiB });
      const last = bytes.byteLength - 1;
      for (const [start, end] of [[0, 0], [last, last], [1000, 150_000], [70_000, 70_001], [0, last]] as const) {
        const read = await readBack(await store.get(contentHash, { start, end }));
        expect(read, `${start}-${end}`).toEqual(summary(bytes.slice(start, end + 1)));
      }
    });

    it('refuses a range that is not inside the blob', async () => {
      const { contentHash } = await store.put(source(bytesOf(100), 100).body, { maxBytes: MiB });
      for (const range of [{ start: 0, end: 100 }, { start: 100, end: 100 }, { start: 5, end: 4 }]) {
        expect((await refusal(store.get(contentHash, range))).code).toBe('blob.range_not_satisfiable');
      }
      expect((await refusal(store.get(contentHash, { start: -1, end: 3 }))).code).toBe('blob.invalid_input');
      expect((await refusal(store.get(contentHash, { start: 0.5, end: 3 }))).code).toBe('blob.invalid_input');
    });

    it('answers null (and delete false) for content it does not hold', async () => {
      const absent = sha256(bytesOf(10, 9));
      expect(await store.stat(absent)).toBeNull();
      expect(await store.get(absent)).toBeNull();
      expect(await store.get(absent, { start: 0, end: 0 })).toBeNull();
      expect(await store.delete(absent)).toBe(false);
    });

    it('refuses content over the limit as soon as the excess arrives, and keeps nothing of it', async () => {
      const bytes = bytesOf(10 * 1024, 4);
      const { body, seen } = source(bytes, 1024);
      const error = await refusal(store.put(body, { maxBytes: 4096 }));
      expect(error).toMatchObject({ code: 'blob.too_large', details: { maxBytes: 4096 } });
      // The fifth chunk went over: nothing after it was asked for, and the source was closed.
      expect(seen).toEqual({ chunks: 5, closed: true });
      expect(await store.stat(sha256(bytes))).toBeNull();
      await nothingHeld();
    });

    it('takes content of exactly the limit', async () => {
      const bytes = bytesOf(4096, 5);
      expect(await store.put(source(bytes, 1024).body, { maxBytes: 4096 })).toEqual({ contentHash: sha256(bytes), size: 4096 });
    });

    it('refuses a declared size over the limit before reading a byte', async () => {
      const { body, seen } = source(bytesOf(100), 10);
      expect((await refusal(store.put(body, { maxBytes: 50, expected: { size: 100 } }))).code).toBe('blob.too_large');
      expect(seen.chunks).toBe(0);
      await nothingHeld();
    });

    it('refuses content whose hash or size is not the declared one, and keeps nothing of it', async () => {
      const bytes = bytesOf(5000, 6);
      const wrongHash = await refusal(store.put(source(bytes, 1000).body, { maxBytes: MiB, expected: { contentHash: sha256(bytesOf(5000, 7)) } }));
      expect(wrongHash).toMatchObject({ code: 'blob.content_mismatch', details: { field: 'contentHash', actual: sha256(bytes) } });
      const tooShort = await refusal(store.put(source(bytes, 1000).body, { maxBytes: MiB, expected: { size: 5001 } }));
      expect(tooShort).toMatchObject({ code: 'blob.content_mismatch', details: { field: 'size', expected: 5001, actual: 5000 } });
      // Longer than declared: refused at the chunk that goes over, like the limit.
      const { body, seen } = source(bytes, 1000);
      expect(await refusal(store.put(body, { maxBytes: MiB, expected: { size: 2500 } }))).toMatchObject({ code: 'blob.content_mismatch' });
      expect(seen).toEqual({ chunks: 3, closed: true });
      expect(await store.stat(sha256(bytes))).toBeNull();
      await nothingHeld();
    });

    it('takes content that is what was declared', async () => {
      const bytes = bytesOf(5000, 8);
      const expected = { contentHash: sha256(bytes), size: 5000 };
      expect(await store.put(source(bytes, 1000).body, { maxBytes: MiB, expected })).toEqual(expected);
    });

    it('fails with the source when the source fails, keeping nothing', async () => {
      async function* broken() {
        yield bytesOf(1000);
        throw new Error('connection reset');
      }
      await expect(store.put(broken(), { maxBytes: MiB })).rejects.toThrow('connection reset');
      await nothingHeld();
    });

    it('stores content once when twenty uploads of it run at the same time', async () => {
      const bytes = bytesOf(256 * 1024, 10);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.put(source(bytes, 16 * 1024).body, { maxBytes: MiB })));
      for (const info of results) expect(info).toEqual({ contentHash: sha256(bytes), size: bytes.byteLength });
      expect(await under.holdings()).toEqual({ blobs: 1, partial: 0 });
      expect(await readBack(await store.get(sha256(bytes)))).toEqual(summary(bytes));
    });

    it('takes content it already holds again, as a success that changes nothing', async () => {
      const bytes = bytesOf(1000, 11);
      const first = await store.put(source(bytes, 100).body, { maxBytes: MiB });
      expect(await store.put(source(bytes, 300).body, { maxBytes: MiB })).toEqual(first);
      expect(await under.holdings()).toEqual({ blobs: 1, partial: 0 });
    });

    it('refuses malformed content hashes before looking for anything', async () => {
      for (const hash of malformedHashes) {
        for (const call of [store.stat(hash as string), store.get(hash as string), store.delete(hash as string)]) {
          expect((await refusal(call)).code, String(hash)).toBe('blob.invalid_hash');
        }
        const declared = store.put(source(bytesOf(10), 10).body, { maxBytes: MiB, expected: { contentHash: hash as string } });
        expect((await refusal(declared)).code, String(hash)).toBe('blob.invalid_hash');
      }
    });

    it('refuses a limit or declared size that is not a whole number of bytes', async () => {
      for (const options of [{ maxBytes: -1 }, { maxBytes: 1.5 }, { maxBytes: Number.NaN }, { maxBytes: MiB, expected: { size: -3 } }]) {
        expect((await refusal(store.put(source(bytesOf(10), 10).body, options))).code).toBe('blob.invalid_input');
      }
    });

    it('deletes a blob: gone for stat and get, deleting again says false, and it can be stored again', async () => {
      const bytes = bytesOf(2000, 12);
      const { contentHash } = await store.put(source(bytes, 500).body, { maxBytes: MiB });
      expect(await store.delete(contentHash)).toBe(true);
      expect(await store.stat(contentHash)).toBeNull();
      expect(await store.get(contentHash)).toBeNull();
      expect(await store.delete(contentHash)).toBe(false);
      await nothingHeld();
      await store.put(source(bytes, 500).body, { maxBytes: MiB });
      expect(await readBack(await store.get(contentHash))).toEqual(summary(bytes));
    });

    it('refuses to delete content a put holds, one that found it stored already too, until the hold ends', async () => {
      const bytes = bytesOf(1000, 20);
      const { contentHash } = await store.put(source(bytes, 500).body, { maxBytes: MiB });
      let release = () => {};
      const recorded = new Promise<void>((resolve) => (release = resolve));
      expect(await store.put(source(bytes, 500).body, { maxBytes: MiB, holdUntil: recorded })).toEqual({ contentHash, size: 1000 });
      expect((await refusal(store.delete(contentHash))).code).toBe('blob.in_use');
      expect(await store.stat(contentHash)).toEqual({ contentHash, size: 1000 });
      release();
      await recorded;
      expect(await store.delete(contentHash)).toBe(true);
    });

    it('deletes only when onlyIf says so, asked while a put of the same content waits, which then stores it again', async () => {
      const bytes = bytesOf(1000, 21);
      const { contentHash } = await store.put(source(bytes, 500).body, { maxBytes: MiB });
      let again: Promise<unknown> | undefined;
      let answeredDuringCheck = false;
      const deleted = await store.delete(contentHash, {
        onlyIf: async () => {
          again = store.put(source(bytes, 500).body, { maxBytes: MiB });
          void again.then(() => (answeredDuringCheck = true));
          // Time enough for the put to read, write and reach its last step.
          await new Promise((resolve) => setTimeout(resolve, 100));
          return true;
        },
      });
      expect([deleted, answeredDuringCheck]).toEqual([true, false]);
      await again;
      expect(await readBack(await store.get(contentHash))).toEqual(summary(bytes));
      expect(await store.delete(contentHash, { onlyIf: async () => false })).toBe(false);
      expect(await store.stat(contentHash)).toEqual({ contentHash, size: 1000 });
    });

    it('refuses a hold that is not a promise', async () => {
      const options = { maxBytes: MiB, holdUntil: 'later' as unknown as Promise<void> };
      expect((await refusal(store.put(source(bytesOf(10), 10).body, options))).code).toBe('blob.invalid_input');
    });

    it('lets a reader stop early', async () => {
      const { contentHash } = await store.put(source(bytesOf(MiB, 13), 64 * 1024).body, { maxBytes: MiB });
      const reader = (await store.get(contentHash))!.getReader();
      expect((await reader.read()).value?.byteLength).toBeGreaterThan(0);
      await reader.cancel();
      expect(await store.delete(contentHash)).toBe(true);
    });

    describe('a 64 MiB blob, made and checked on the fly', () => {
      const chunks = 64;
      /** Chunk i: 1 MiB of byte i with its index spelled at the start, so no two chunks are alike. */
      const chunk = (i: number) => {
        const bytes = Buffer.alloc(MiB, i);
        bytes.writeUInt32BE(i * 2654435761 >>> 0, 0);
        return bytes;
      };
      const expectedHash = () => {
        const hash = createHash('sha256');
        for (let i = 0; i < chunks; i++) hash.update(chunk(i));
        return `sha256:${hash.digest('hex')}`;
      };

      it('round-trips in chunks no larger than a MiB', async () => {
        const contentHash = expectedHash();
        let writtenBeforeTheEnd: number | undefined;
        const disk = under.disk;
        async function* body() {
          for (let i = 0; i < chunks; i++) {
            // Halfway through the source, the store has already put the first half somewhere other than the heap.
            if (i === chunks / 2 && disk) writtenBeforeTheEnd = await disk.partialBytes();
            yield chunk(i);
          }
        }
        expect(await store.put(body(), { maxBytes: chunks * MiB, expected: { contentHash } })).toEqual({ contentHash, size: chunks * MiB });
        if (inMemory === undefined) expect(writtenBeforeTheEnd).toBeGreaterThanOrEqual((chunks / 2 - 1) * MiB);

        const hash = createHash('sha256');
        let largest = 0;
        let size = 0;
        for await (const part of (await store.get(contentHash))!) {
          hash.update(part);
          largest = Math.max(largest, part.byteLength);
          size += part.byteLength;
        }
        expect(size).toBe(chunks * MiB);
        expect(`sha256:${hash.digest('hex')}`).toBe(contentHash);
        expect(largest).toBeLessThanOrEqual(MiB);
      });

      const lazily = 'reads lazily: what is cut off behind the reader after its first chunk never arrives';
      it.skipIf(inMemory !== undefined)(inMemory ? `${lazily} (skipped: ${inMemory})` : lazily, async () => {
        async function* body() {
          for (let i = 0; i < chunks; i++) yield chunk(i);
        }
        const { contentHash } = await store.put(body(), { maxBytes: chunks * MiB });
        const stream = (await store.get(contentHash))!;
        const reader = stream.getReader();
        let size = (await reader.read()).value!.byteLength;
        await under.disk!.truncate(contentHash, 2 * MiB);
        for (let next = await reader.read(); !next.done; next = await reader.read()) size += next.value.byteLength;
        // A store that had read the whole blob before handing out its first chunk would deliver all 64 MiB.
        expect(size).toBeLessThan(16 * MiB);
      });
    });
  });
}
