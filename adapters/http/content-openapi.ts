/**
 * The OpenAPI description of the content routes (bytes in or out), which the generic description
 * of JSON routes skips. operationIds stay the application functions' names where there is one.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { logoContentTypes, maxLogoBytes } from '../../src/firm/branding.js';
import { describeRoute, problemSchema, type DescribedRoute } from './openapi.js';
import { routes } from './routes.js';

const bytes = z.string().openapi({ format: 'binary', description: "The file's bytes" });
const result = z.record(z.string(), z.unknown()).openapi({ description: "The function's result (see the library's types)" });
const json = (description: string) => ({ description, content: { 'application/json': { schema: result } } });
const fileBody = (types: readonly string[], description: string) => ({
  description,
  required: true,
  content: Object.fromEntries(types.map((type) => [type, { schema: bytes }])),
});
const header = (description: string) => ({ schema: { type: 'string' as const }, description });

const documentId = z.object({ documentId: z.string() });
const etag = header('The strong ETag of the content (its SHA-256 in hex)');

/** The headers of a served file. */
const fileHeaders = {
  ETag: etag,
  'Content-Length': header('Bytes in this response'),
  'Accept-Ranges': header('bytes'),
  'Content-Disposition': header("attachment; filename=\"…\"; filename*=UTF-8''…"),
  'Cache-Control': header('private, no-store'),
};

const notModified = { description: 'If-None-Match names the current ETag: not sent again', headers: { ETag: etag } };

export function documentContentRoutes(app: OpenAPIHono<any>): void {
  const describe = (spec: DescribedRoute) => describeRoute(app, spec);
  const fromRoutes = (id: keyof typeof routes) => ({ ...routes[id], operationId: id });

  describe({
    ...fromRoutes('documents.uploadDocument'),
    request: {
      params: z.object({ clientId: z.string() }),
      query: z.object({
        folderPath: z.string().openapi({ description: "The folder in the client's space ('Uploads' for a contact)" }),
        name: z.string().optional().openapi({ description: "The file's name; else Content-Disposition's filename" }),
        documentId: z.string().optional().openapi({ description: 'An id chosen by the host' }),
      }),
      headers: z.object({
        'idempotency-key': z.string().optional().openapi({ description: 'A retry with the same key returns the first result and changes nothing' }),
        'content-disposition': z.string().optional().openapi({ description: "attachment; filename*=UTF-8''… when name is not in the query" }),
      }),
      body: fileBody(['application/octet-stream', '*/*'], "The file's bytes as the whole body, in any type but multipart/form-data and JSON (415)"),
    },
    responses: { 201: json('Uploaded') },
  });

  describe({
    ...fromRoutes('documents.uploadNewVersion'),
    request: {
      params: documentId,
      headers: z.object({ 'if-match': z.string().optional().openapi({ description: 'The ETag of the document as read (else 412)' }) }),
      body: fileBody(['application/octet-stream', '*/*'], "The new content's bytes"),
    },
    responses: { 200: json('Uploaded (ETag: the document’s new revision)') },
  });

  describe({
    ...fromRoutes('documents.recordDownload'),
    request: {
      params: documentId,
      headers: z.object({
        range: z.string().optional().openapi({ description: 'One range: bytes=a-b, bytes=a- or bytes=-n (several: the whole is sent)' }),
        'if-none-match': z.string().optional(),
        'if-range': z.string().optional().openapi({ description: 'The range applies only while this ETag is current' }),
      }),
    },
    responses: {
      200: { description: "The file (a contact's download is recorded in the document's trail)", headers: fileHeaders, content: { 'application/octet-stream': { schema: bytes } } },
      206: { description: 'The range asked for (recorded only when it starts at byte 0)', headers: { ...fileHeaders, 'Content-Range': header('bytes a-b/size') }, content: { 'application/octet-stream': { schema: bytes } } },
      304: notModified,
      416: { description: 'The range lies outside the file (Content-Range: bytes */size)', content: { 'application/problem+json': { schema: problemSchema } } },
    },
  });

  describe({
    ...fromRoutes('documents.recordView'),
    request: {
      params: documentId,
      body: { required: false, content: { 'application/json': { schema: z.strictObject({}).openapi({ description: 'Nothing: the IP address and user agent come from the request' }) } } },
    },
    responses: { 200: json('Recorded') },
  });

  describe({
    method: 'put',
    path: '/branding/logo',
    operationId: 'firms.uploadLogo',
    summary: `Uploads the firm's logo (at most ${maxLogoBytes} bytes) and makes it the branding's logo`,
    audience: ['staff'],
    request: {
      headers: z.object({ 'if-match': z.string().optional().openapi({ description: 'The ETag of the firm as read (else 412)' }) }),
      body: fileBody(logoContentTypes, 'The image'),
    },
    responses: { 200: json('Set (ETag: the firm’s new revision)') },
  });

  describe({
    method: 'get',
    path: '/firms/{firmId}/branding/logo',
    operationId: 'firms.logo',
    summary: 'The logo a firm shows (its partner’s when managed); public, for the login page',
    audience: ['public'],
    request: { params: z.object({ firmId: z.string() }), headers: z.object({ 'if-none-match': z.string().optional() }) },
    responses: {
      200: {
        description: 'The image',
        headers: { ETag: etag, 'Cache-Control': header('public, max-age=300') },
        content: Object.fromEntries(logoContentTypes.map((type) => [type, { schema: bytes }])),
      },
      304: notModified,
    },
  });

  describe({
    ...fromRoutes('exports.activationCsv'),
    request: {
      query: z.object({
        asOf: z.string().optional().openapi({ description: 'An instant with its offset: the list as it stood then' }),
        bom: z.boolean().optional().openapi({ description: 'A UTF-8 byte order mark first, for spreadsheets' }),
      }),
    },
    responses: {
      200: {
        description: 'One row per member, header first (attachment; filename="clients-YYYY-MM-DD.csv")',
        content: { 'text/csv': { schema: z.string() } },
      },
    },
  });
}
