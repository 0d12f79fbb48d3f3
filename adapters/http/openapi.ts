/**
 * The OpenAPI 3.1 description of every route, built from the same zod schemas the application
 * parses with: path parameters and the query or body are the function's input, split by place.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { operationInputs, type OperationId } from '../../src/application/inputs.js';
import { fieldsOf } from './request-input.js';
import type { RouteSpec } from './routes.js';

export const problemSchema = z
  .object({
    type: z.string().openapi({ description: 'The stable error code, e.g. client.not_found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

/** The error answers every route may give, with what each means. */
export const errorResponses = {
  400: problem('Malformed or invalid input (errors lists each field)'),
  401: problem('No credentials, or expired, revoked or unknown ones'),
  403: problem('Not allowed for this caller'),
  404: problem('Unknown, or another firm’s'),
  409: problem('Concurrency conflict or a uniqueness rule'),
  410: problem('An invitation link past its 30 days'),
  412: problem('If-Match does not match the current ETag'),
  413: problem('Request body too large'),
  415: problem('Unsupported media type'),
  422: problem('Refused by a business rule'),
  429: problem('Too many attempts; see Retry-After'),
  503: problem('Catching up or unavailable; retry'),
} as const;

/** Only an invitation can be past its time: 410 belongs to accepting one. */
const { 410: _gone, ...withoutGone } = errorResponses;

const result = z.record(z.string(), z.unknown()).openapi('Result', { description: "The function's result (see the library's types)" });

export const securityOf = (spec: Pick<RouteSpec, 'audience'>): Array<Record<string, string[]>> =>
  spec.audience.includes('public') ? [] : spec.audience.includes('contact') ? [{ bearer: [] }, { session: [] }] : [{ bearer: [] }];

const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** The input's fields minus the path parameters (the whole schema when it is not a plain object). */
function restOf(schema: z.ZodType, params: string[]): z.ZodType {
  const fields = fieldsOf(schema);
  if (Object.keys(fields).length === 0) return schema;
  const rest = Object.fromEntries(Object.entries(fields).filter(([key]) => !params.includes(key)));
  return z.strictObject(rest as Record<string, z.ZodType>);
}

function required(field: z.ZodType): z.ZodType {
  const def = (field as any)._zod.def;
  return def.type === 'optional' ? required(def.innerType) : field;
}

/** If-Match on conditional writes, Idempotency-Key on creates. */
function headersOf(spec: RouteSpec, schema: z.ZodType) {
  const headers: Record<string, z.ZodType> = {};
  if (spec.stream && spec.method !== 'get') headers['if-match'] = z.string().optional().openapi({ description: 'The ETag of the resource as read: the write happens only if it still matches (else 412)' });
  if ('idempotencyKey' in fieldsOf(schema)) headers['idempotency-key'] = z.string().optional().openapi({ description: 'A retry with the same key returns the first result and changes nothing' });
  return Object.keys(headers).length > 0 ? { headers: z.object(headers) } : {};
}

/** Adds one application function's route to the OpenAPI document. */
export function documentOperation(app: OpenAPIHono<any>, id: OperationId, spec: RouteSpec): void {
  if (spec.content) return; // the content routes describe themselves
  const schema = operationInputs[id];
  const names = pathParams(spec.path);
  // A path parameter is always there, even where the input's field may be left out (the caller's own firm).
  const params = z.object(Object.fromEntries(names.map((name) => [name, required((fieldsOf(schema)[name] as z.ZodType | undefined) ?? z.string())])));
  const rest = restOf(schema, names);
  const isRead = spec.method === 'get';
  app.openAPIRegistry.registerPath({
    method: spec.method,
    path: spec.path,
    operationId: id,
    summary: spec.summary,
    tags: [id.split('.')[0]!],
    security: securityOf(spec),
    request: {
      ...(names.length > 0 ? { params } : {}),
      ...(isRead
        ? Object.keys(fieldsOf(rest)).length > 0 ? { query: rest as z.ZodObject } : {}
        : { body: { content: { 'application/json': { schema: rest } }, required: false } }),
      ...headersOf(spec, schema),
    },
    responses: {
      [spec.created ? 201 : 200]: { description: 'Done', content: { 'application/json': { schema: result } } },
      ...withoutGone,
    },
  });
}

/** A route described by hand (content, session and live-update routes): its own request and answers, plus the error answers. */
export interface DescribedRoute {
  method: RouteSpec['method'];
  path: string;
  operationId: string;
  summary: string;
  audience: RouteSpec['audience'];
  request?: Record<string, unknown>;
  responses: Record<number, unknown>;
}

export function describeRoute(app: OpenAPIHono<any>, spec: DescribedRoute): void {
  app.openAPIRegistry.registerPath({
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: [spec.operationId.split('.')[0]!],
    security: securityOf(spec),
    request: (spec.request ?? {}) as never,
    // A public route refuses only what it cannot find (and bad input); the others may refuse anything.
    responses: { ...(spec.audience.includes('public') ? { 400: errorResponses[400], 404: errorResponses[404] } : withoutGone), ...(spec.responses as object) },
  });
}

/** /health (the process answers) and /ready (store and read models caught up: 503 until then). */
export function documentProbes(app: OpenAPIHono<any>): void {
  const probe = z.object({ status: z.string(), detail: z.string().optional() });
  const answer = (description: string) => ({ description, content: { 'application/json': { schema: probe } } });
  for (const [path, summary] of [['/health', 'The process answers'], ['/ready', 'The store answers and the read models have caught up']] as const) {
    app.openAPIRegistry.registerPath({
      method: 'get',
      path,
      operationId: `service.${path.slice(1)}`,
      summary,
      tags: ['service'],
      security: [],
      responses: { 200: answer('Yes'), ...(path === '/ready' ? { 503: answer('Not yet (or no longer)') } : {}) },
    });
  }
}

/** The document at /openapi.json. */
export function openApiDocument(app: OpenAPIHono<any>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'cpo_… the platform operator; cps_… a staff API token; cpc_… a client session',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'portal_session' });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Client portal', version: '0.1.0', description: 'Every operation of the client portal library, over HTTP.' },
  });
}
