/**
 * A request body that is a file's bytes, streamed into the blob store as it arrives: never buffered
 * whole, refused at the first byte over the limit, checked against a declared Content-Length.
 */
import type { Context } from 'hono';
import type { BlobInfo, BlobStore } from '../../src/core/blob-store.js';
import { PortalError } from '../../src/core/errors.js';
import type { AppEnv } from './app.js';
import { mediaTypeOf } from './content-headers.js';
import { HttpProblem } from './problem.js';

const isJson = (type: string) => /^application\/([\w.+-]+\+)?json$/.test(type);

/**
 * Refuses bodies that are not a bare file: a form upload (the file must be the whole body) or JSON
 * (a client that meant another route). Any other type is taken as the file's own.
 */
export function requireFileBody(c: Context): void {
  const type = mediaTypeOf(c.req.header('content-type'));
  if (type === 'multipart/form-data') {
    throw new HttpProblem(
      'request.unsupported_media_type',
      "Send the file's bytes as the whole request body (Content-Type: application/octet-stream or the file's own type), not as a multipart form.",
      415,
    );
  }
  if (isJson(type)) {
    throw new HttpProblem('request.unsupported_media_type', "The request body is the file's bytes, not JSON.", 415);
  }
}

/** The Content-Length a request declares, or undefined (chunked, or absent). */
function declaredLength(c: Context): number | undefined {
  const header = c.req.header('content-length');
  if (header === undefined || !/^\s*\d{1,15}\s*$/.test(header)) return undefined;
  return Number(header);
}

/**
 * Stores the request body as a blob of at most `maxBytes`. An empty body is refused: a client that
 * forgot the file is far likelier than a wanted empty document. Ask who may upload first
 * (upload-admission.ts): once stored, the blob stays even if the request is then refused, since it
 * is addressed by its content and may be another document's too.
 */
export async function storeRequestBody(c: Context<AppEnv>, blobs: BlobStore, maxBytes: number, holdUntil?: Promise<unknown>): Promise<BlobInfo> {
  requireFileBody(c);
  const body = c.req.raw.body;
  const size = declaredLength(c);
  if (body === null || size === 0) throw emptyBody();
  let stored: BlobInfo;
  try {
    stored = await blobs.put(body, { maxBytes, ...(size !== undefined ? { expected: { size } } : {}), ...(holdUntil && { holdUntil }) });
  } catch (error) {
    if (error instanceof PortalError || !c.req.raw.signal.aborted) throw error;
    // The client went away mid-upload: nothing was stored and nobody reads the answer.
    c.get('log').info('upload aborted by the client');
    throw new HttpProblem('request.body_incomplete', 'The request body ended before it was complete.', 400);
  }
  if (stored.size === 0) throw emptyBody();
  return stored;
}

const emptyBody = () => new HttpProblem('request.body_missing', "The request body is empty: send the file's bytes.", 400);

/**
 * Stores the request body, then runs `record` (the write of the document that refers to it) while
 * the store holds the content: a forget deleting the same bytes meanwhile is refused, not let
 * through between the store and the record.
 */
export async function storeAndRecord<T>(c: Context<AppEnv>, blobs: BlobStore, maxBytes: number, record: (blob: BlobInfo) => Promise<T>): Promise<T> {
  let release = () => {};
  const recorded = new Promise<void>((resolve) => (release = resolve));
  try {
    return await record(await storeRequestBody(c, blobs, maxBytes, recorded));
  } finally {
    release();
  }
}
