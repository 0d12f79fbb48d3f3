/**
 * The routes that carry a document's bytes: upload (a new document or a new version; the request
 * body is the file, streamed into the blob store) and download (streamed out, with ranges), plus
 * the contact's "viewed" record, whose IP and user agent come from the request. The firm's logo and
 * the CSV export live beside them (logo-routes.ts, export-routes.ts).
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { uploadDocumentInput } from '../../src/application/documents.js';
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../src/core/errors.js';
import { idempotencyKey } from '../../src/core/idempotency.js';
import type { AppEnv, RouteContext } from './app.js';
import { serveBlob } from './blob-response.js';
import { attachmentDisposition, contentTypeOf, filenameOf } from './content-headers.js';
import { documentContentRoutes } from './content-openapi.js';
import { registerExportRoutes } from './export-routes.js';
import { registerLogoRoutes } from './logo-routes.js';
import { admit, call, etagOf, ifMatchOf, revisionOf } from './operation.js';
import { jsonBodyLimit, jsonInput, queryInput, refuseRequestFacts, withPathParams } from './request-input.js';
import { routes } from './routes.js';
import { ipOf, userAgentOf } from './session-routes.js';
import { admitNewVersion, admitUpload } from './upload-admission.js';
import { storeAndRecord } from './upload-body.js';

/** Checks a request's parts against the function's own schema before a byte of the body is read; the parts as parsed. */
function check<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(
      'The request is not valid.',
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return result.data;
}

/** Where a contact's download or view came from: the socket's address and the user agent, when known. */
function accessFacts(c: Context): { ipAddress?: string; userAgent?: string } {
  const ipAddress = ipOf(c);
  const userAgent = userAgentOf(c);
  return { ...(ipAddress !== undefined && { ipAddress }), ...(userAgent !== undefined && { userAgent }) };
}

/** What an upload names in its query string (and Content-Disposition), checked up front. */
const uploadParts = uploadDocumentInput.pick({ clientId: true, folderPath: true, name: true, documentId: true });
const uploadQuery = uploadParts.omit({ clientId: true });
const keyHeader = idempotencyKey.optional();

export function registerContentRoutes(ctx: RouteContext): void {
  const { app, portal, blobs, limits } = ctx;

  async function callerFor(c: Context<AppEnv>, id: keyof typeof routes) {
    const caller = await ctx.callerOf(c);
    admit(routes[id], caller);
    return { caller: caller!, asCaller: ctx.asCaller(c, caller) };
  }

  app.post('/clients/:clientId/documents', async (c) => {
    const { asCaller } = await callerFor(c, 'documents.uploadDocument');
    const query = queryInput(c, uploadQuery) as Record<string, string>;
    const name = query.name ?? filenameOf(c.req.header('content-disposition'));
    const asked = { ...query, clientId: c.req.param('clientId'), ...(name !== undefined && { name }) };
    const { clientId, folderPath, name: checkedName } = check(uploadParts, asked);
    const key = c.req.header('idempotency-key');
    check(keyHeader, key);
    await admitUpload(portal, asCaller, clientId, folderPath, checkedName);
    const result = await storeAndRecord(c, blobs, limits.uploadBytes, (blob) =>
      portal.documents.uploadDocument(asCaller, {
        ...(asked as typeof asked & { folderPath: string; name: string }),
        size: blob.size,
        contentHash: blob.contentHash,
        blobRef: blob.contentHash,
        ...(key !== undefined && { idempotencyKey: key }),
      }),
    );
    if (typeof result.revision === 'number') c.header('etag', etagOf(result.revision));
    c.header('location', `/documents/${encodeURIComponent(result.document.documentId)}`);
    return c.json(result, 201);
  });

  app.put('/documents/:documentId/content', async (c) => {
    const spec = routes['documents.uploadNewVersion'];
    const { asCaller } = await callerFor(c, 'documents.uploadNewVersion');
    const documentId = c.req.param('documentId');
    // Unknown, another firm's, not the caller's to see or to change: refused before the body is read.
    await admitNewVersion(portal, asCaller, await portal.documents.getDocument(asCaller, { documentId }));
    const expected = ifMatchOf(c);
    if (expected !== undefined) {
      const streamId = spec.stream!({ documentId });
      const current = await revisionOf(portal, streamId);
      // Checked early to spare the upload; the write checks it again in its own turn.
      if (current !== expected) throw new PreconditionFailedError(expected, current ?? 'no_stream');
      asCaller.ifMatch = { streamId, revision: expected };
    }
    const result = await storeAndRecord(c, blobs, limits.uploadBytes, (blob) =>
      portal.documents.uploadNewVersion(asCaller, { documentId, size: blob.size, contentHash: blob.contentHash, blobRef: blob.contentHash }),
    );
    if (typeof result.revision === 'number') c.header('etag', etagOf(result.revision));
    return c.json(result);
  });

  app.get('/documents/:documentId/content', async (c) => {
    const { caller, asCaller } = await callerFor(c, 'documents.recordDownload');
    const documentId = c.req.param('documentId');
    // For a contact: shared with them, active access, same firm (else 403/404), as for the JSON read.
    const document = await portal.documents.getDocument(asCaller, { documentId });
    if (document.status === 'removed') throw new NotFoundError('document.removed', 'This document was removed; its content is no longer served.');
    return serveBlob(c, blobs, {
      contentHash: document.contentHash,
      contentType: contentTypeOf(document.name),
      headers: { 'content-disposition': attachmentDisposition(document.name), 'cache-control': 'private, no-store' },
      ranges: true,
      beforeBytes: async (range) => {
        // The trail holds a contact's downloads (the firm's own are not recorded). A download that
        // resumes or seeks asks for later bytes: only a request from byte 0 counts as a download,
        // so one file fetched in parts is one entry. HEAD and 304 send no bytes and never get here.
        if (caller.actor.kind !== 'contact' || (range !== undefined && range.start !== 0)) return;
        await portal.documents.recordDownload(asCaller, { documentId, ...accessFacts(c) });
      },
    });
  });

  app.post('/documents/:documentId/views', jsonBodyLimit(limits.jsonBytes), async (c) => {
    const { asCaller } = await callerFor(c, 'documents.recordView');
    const body = refuseRequestFacts(await jsonInput(c));
    const input = withPathParams(body, c.req.param());
    return c.json(await call(portal, 'documents.recordView', asCaller, { ...input, ...accessFacts(c) }));
  });

  registerLogoRoutes(ctx);
  registerExportRoutes(ctx);
  documentContentRoutes(app);
}
