/**
 * The rules every blob store applies to its arguments and to the bytes as they arrive, so that the
 * file-system and memory stores accept and refuse exactly the same calls.
 */
import {
  BlobContentMismatchError,
  BlobRangeError,
  BlobTooLargeError,
  InvalidBlobInputError,
  InvalidContentHashError,
  type BlobInfo,
  type BlobSource,
  type ByteRange,
  type PutOptions,
} from './blob-store.js';
import { CONTENT_HASH_PATTERN } from './limits.js';

/** The 64 hex digits of a valid content hash; throws InvalidContentHashError for anything else. */
export function blobHex(contentHash: unknown): string {
  if (typeof contentHash !== 'string' || !CONTENT_HASH_PATTERN.test(contentHash)) throw new InvalidContentHashError();
  return contentHash.slice('sha256:'.length);
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Checks a put's options before a byte is read; a declared size over the limit is refused at once. */
export function checkPutOptions(options: PutOptions): void {
  if (!isCount(options?.maxBytes)) throw new InvalidBlobInputError('maxBytes', 'expected a whole number of bytes, 0 or more');
  if (options.holdUntil !== undefined && typeof (options.holdUntil as Partial<Promise<unknown>>)?.then !== 'function') {
    throw new InvalidBlobInputError('holdUntil', 'expected a promise');
  }
  const expected = options.expected ?? {};
  if (expected.contentHash !== undefined) blobHex(expected.contentHash);
  if (expected.size !== undefined) {
    if (!isCount(expected.size)) throw new InvalidBlobInputError('expected.size', 'expected a whole number of bytes, 0 or more');
    if (expected.size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
  }
}

/**
 * Counts bytes as they arrive: refuses the chunk that goes over the limit or over the declared size,
 * before anything is done with it. Returns the new total.
 */
export function countChunk(total: number, chunk: Uint8Array, options: PutOptions): number {
  if (!(chunk instanceof Uint8Array)) throw new InvalidBlobInputError('body', 'every chunk must be bytes (a Uint8Array or Buffer)');
  const next = total + chunk.byteLength;
  if (next > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
  const size = options.expected?.size;
  if (size !== undefined && next > size) throw new BlobContentMismatchError('size', size, `more than ${size}`);
  return next;
}

/** Checks the finished content against what the caller declared. */
export function checkContent(found: BlobInfo, options: PutOptions): void {
  const { contentHash, size } = options.expected ?? {};
  if (size !== undefined && found.size !== size) throw new BlobContentMismatchError('size', size, found.size);
  if (contentHash !== undefined && found.contentHash !== contentHash) throw new BlobContentMismatchError('contentHash', contentHash, found.contentHash);
}

/** Checks a range against the blob's size. */
export function checkRange(range: ByteRange, size: number): void {
  const { start, end } = range ?? ({} as ByteRange);
  if (!isCount(start) || !isCount(end)) throw new InvalidBlobInputError('range', 'start and end are whole numbers, 0 or more');
  if (end < start || end >= size) throw new BlobRangeError(range, size);
}

/** The chunks of a put's body, whichever kind it is; leaving the loop early cancels the source. */
export function chunksOf(body: BlobSource): AsyncIterable<Uint8Array> {
  if (typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function') return body as AsyncIterable<Uint8Array>;
  // A web stream without async iteration (a polyfill): read it through its reader.
  return (async function* () {
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  })();
}
