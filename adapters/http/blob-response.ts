/**
 * Answers a request for a stored blob: validators first (304), then the range (206 or 416), then
 * the bytes streamed from the store, never held whole. HEAD gets the same headers and no body.
 */
import type { Context } from 'hono';
import type { BlobStore, ByteRange } from '../../src/core/blob-store.js';
import { CONTENT_HASH_PATTERN } from '../../src/core/limits.js';
import type { AppEnv } from './app.js';
import { contentEtagOf, noneMatch, rangeOf, rangeStillApplies } from './byte-range.js';
import { HttpProblem } from './problem.js';

export interface BlobAnswer {
  contentHash: string;
  contentType: string;
  /** Cache-Control, Content-Disposition and the like. */
  headers: Record<string, string>;
  /** Whether Range is honoured. */
  ranges: boolean;
  /**
   * Called once the request is known to get bytes (not a 304, a 416 or a HEAD), before they are
   * opened: a refusal here sends nothing. `range` is undefined for the whole content.
   */
  beforeBytes?: (range: ByteRange | undefined) => Promise<void>;
}

/** The store no longer has the bytes an event points to: a fault of ours, shown as 404 and logged. */
function missing(c: Context<AppEnv>, contentHash: string): HttpProblem {
  c.get('log').error({ contentHash, path: c.req.routePath }, 'blob missing from the store');
  return new HttpProblem('blob.missing', 'The content is missing from storage.', 404);
}

/** Serves a blob as described. */
export async function serveBlob(c: Context<AppEnv>, blobs: BlobStore, answer: BlobAnswer): Promise<Response> {
  // A reference that is no content hash (a host's own blobRef, not one of our uploads) points at nothing we hold.
  if (!CONTENT_HASH_PATTERN.test(answer.contentHash)) throw missing(c, answer.contentHash);
  const etag = contentEtagOf(answer.contentHash);
  const headers: Record<string, string> = {
    ...answer.headers,
    etag,
    'x-content-type-options': 'nosniff',
    'accept-ranges': answer.ranges ? 'bytes' : 'none',
  };
  if (noneMatch(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);

  const stat = await blobs.stat(answer.contentHash);
  if (stat === null) throw missing(c, answer.contentHash);
  const asked = answer.ranges && rangeStillApplies(c.req.header('if-range'), etag) ? rangeOf(c.req.header('range'), stat.size) : { kind: 'whole' as const };
  if (asked.kind === 'unsatisfiable') {
    throw new HttpProblem('blob.range_not_satisfiable', `The range asked for is not inside the content's ${stat.size} bytes.`, 416, {
      'content-range': `bytes */${stat.size}`,
    });
  }
  const range = asked.kind === 'part' ? asked.range : undefined;
  headers['content-type'] = answer.contentType;
  headers['content-length'] = String(range ? range.end - range.start + 1 : stat.size);
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${stat.size}`;
  const status = range ? 206 : 200;
  if (c.req.method === 'HEAD') return c.body(null, status, headers);

  await answer.beforeBytes?.(range);
  const body = await blobs.get(answer.contentHash, range);
  if (body === null) throw missing(c, answer.contentHash);
  return c.body(body, status, headers);
}
