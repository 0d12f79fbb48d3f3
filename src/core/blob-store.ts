/**
 * The blob store port: documents' bytes, kept apart from the event log and addressed by their
 * SHA-256 (the same `sha256:` + hex as a document event's contentHash). The same content is stored
 * once, whoever uploads it, so a put of bytes already stored is a success that changes nothing.
 * Bytes travel as streams both ways: no adapter that keeps blobs outside the heap may hold a whole
 * blob in memory.
 */
import { PortalError } from './errors.js';

/** A stored blob: its content hash (`sha256:` + 64 lower-case hex digits) and size in bytes. */
export interface BlobInfo {
  contentHash: string;
  size: number;
}

export interface PutOptions {
  /** More bytes than this and the put is refused (BlobTooLargeError) as soon as the excess arrives. */
  maxBytes: number;
  /** What the caller was told the content is (a declared hash, a Content-Length): refused when it is not. */
  expected?: { contentHash?: string; size?: number };
  /**
   * Holds the content from the moment it is stored until this settles: a delete of it meanwhile is
   * refused (BlobInUseError). The caller records its reference to the content (a document event)
   * before settling it, so a forget that looked for references before that cannot delete it.
   */
  holdUntil?: Promise<unknown>;
}

export interface DeleteOptions {
  /**
   * Asked once no put of this content can finish before the delete is over (a put finishing
   * meanwhile waits, then stores the content again): the blob is deleted only if it answers true.
   * Where the caller checks, against the log as it now stands, that nothing refers to the content.
   */
  onlyIf?: () => Promise<boolean>;
}

/** Bytes `start` to `end` of a blob, both included (as an HTTP Range header counts them). */
export interface ByteRange {
  start: number;
  end: number;
}

/** The body of a put: any async iterable of bytes (a Node Readable, an async generator) or a web ReadableStream. */
export type BlobSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface BlobStore {
  /**
   * Streams the bytes in and resolves once they are durably stored under their hash. Refuses, storing
   * nothing: more than `maxBytes` (BlobTooLargeError, reading stops at once), bytes other than
   * `expected` (BlobContentMismatchError). A failing source fails the put with the source's error.
   */
  put(body: BlobSource, options: PutOptions): Promise<BlobInfo>;
  /** The blob's size, or null when it is not stored. */
  stat(contentHash: string): Promise<BlobInfo | null>;
  /**
   * The blob's bytes (or a range of them) as a web ReadableStream — what Hono's `c.body()` and
   * `new Response()` take, and async-iterable in Node; cancelling it releases the file. Null when
   * the blob is not stored; a range outside the blob is a BlobRangeError.
   */
  get(contentHash: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null>;
  /**
   * Deletes the blob; false when it was not stored (or `onlyIf` said no). Refused while a put holds
   * the content (BlobInUseError). Readers already streaming it may finish. Puts and deletes of the
   * same content are coordinated within one store object: two processes sharing a store's storage
   * are not coordinated with each other.
   */
  delete(contentHash: string, options?: DeleteOptions): Promise<boolean>;
}

/** A content hash argument that is not `sha256:` + 64 lower-case hex digits (never reaches a file name). */
export class InvalidContentHashError extends PortalError {
  constructor() {
    super('blob.invalid_hash', 'A content hash is "sha256:" followed by 64 lower-case hex digits.');
  }
}

/** The content is larger than the put allows. */
export class BlobTooLargeError extends PortalError {
  constructor(readonly maxBytes: number) {
    super('blob.too_large', `The content is larger than the limit of ${maxBytes} bytes.`, { maxBytes });
  }
}

/** The bytes received are not the ones the caller declared (hash or size). */
export class BlobContentMismatchError extends PortalError {
  constructor(readonly field: 'contentHash' | 'size', expected: string | number, actual: string | number) {
    super('blob.content_mismatch', `The content's ${field === 'size' ? 'size' : 'hash'} is ${actual}, not the declared ${expected}.`, {
      field,
      expected,
      actual,
    });
  }
}

/** A put holds the content until its caller has recorded its reference to it: not deleted now. */
export class BlobInUseError extends PortalError {
  constructor() {
    super('blob.in_use', 'An upload of this content is being recorded; it is not deleted now.');
  }
}

/** A byte range that does not lie inside the blob (HTTP: 416). */
export class BlobRangeError extends PortalError {
  constructor(range: ByteRange, readonly size: number) {
    super('blob.range_not_satisfiable', `Bytes ${range.start}-${range.end} are not inside a blob of ${size} bytes.`, { ...range, size });
  }
}

/** Options of a blob store call that break the port's rules (a negative limit, a fractional size). */
export class InvalidBlobInputError extends PortalError {
  constructor(readonly field: string, reason: string) {
    super('blob.invalid_input', `Invalid ${field}: ${reason}`, { field, reason });
  }
}
