/**
 * The HTTP service as a Hono app built from injected parts, so a host can mount it in its own
 * server (`npm start` runs it with @hono/node-server). One JSON route per application function
 * (routes.ts), content routes for bytes, the client session routes, live updates, OpenAPI and docs.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import type { Caller } from '../../src/application/context.js';
import type { OperationId } from '../../src/application/inputs.js';
import type { Portal } from '../../src/application/portal.js';
import type { BlobStore } from '../../src/core/blob-store.js';
import { PortalError } from '../../src/core/errors.js';
import type { Clock } from '../../src/core/ports.js';
import { authenticate, StaffOnFirm, type Authenticator } from './auth.js';
import type { Credentials } from './credentials/credentials.js';
import { loginLimiter, type LoginLimiter } from './credentials/rate-limit.js';
import { registerDocs } from './docs.js';
import { documentOperation } from './openapi.js';
import { admit, call, etagOf, ifMatchOf, inputOf, revisionOf, type AnyCaller } from './operation.js';
import { HttpProblem, internalProblem, problemOf, problemResponse } from './problem.js';
import { routes, type RouteSpec } from './routes.js';
import { registerSessionRoutes } from './session-routes.js';

export interface HttpParts {
  portal: Portal;
  credentials: Credentials;
  blobs: BlobStore;
  logger: Logger;
  clock?: Clock;
  /** A host's own sign-in, asked after the built-in tokens and sessions. */
  authenticators?: readonly Authenticator[];
  /** Readiness beyond "the process answers": store open, read models caught up. */
  ready?: () => Promise<{ ready: boolean; detail: string }>;
  limits?: { jsonBytes?: number; uploadBytes?: number };
  /** Secure cookies (behind HTTPS). */
  secureCookies?: boolean;
  sessionTtlSeconds?: number;
  loginLimiter?: LoginLimiter;
}

export interface AppEnv {
  Variables: { requestId: string; caller: AnyCaller | null; log: Logger };
}

/** Everything a route module needs. */
export interface RouteContext extends Required<Omit<HttpParts, 'ready' | 'authenticators' | 'limits' | 'loginLimiter'>> {
  app: OpenAPIHono<AppEnv>;
  limits: { jsonBytes: number; uploadBytes: number };
  loginLimiter: LoginLimiter;
  /** The caller of a request (null: no credentials). */
  callerOf(c: Context<AppEnv>): Promise<AnyCaller | null>;
  /** The caller as the application takes it, the request id as its correlation id. */
  asCaller(c: Context<AppEnv>, caller: AnyCaller | null): Caller;
}

const systemClock: Clock = { now: () => new Date() };

/** Builds the service's Hono app. */
export function createHttpApp(parts: HttpParts): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const clock = parts.clock ?? systemClock;
  const authParts = {
    portal: parts.portal,
    credentials: parts.credentials,
    staffOnFirm: new StaffOnFirm(),
    now: () => clock.now(),
    authenticators: parts.authenticators ?? [],
  };
  const ctx: RouteContext = {
    app,
    portal: parts.portal,
    credentials: parts.credentials,
    blobs: parts.blobs,
    logger: parts.logger,
    clock,
    secureCookies: parts.secureCookies ?? false,
    sessionTtlSeconds: parts.sessionTtlSeconds ?? 8 * 3600,
    limits: { jsonBytes: parts.limits?.jsonBytes ?? 1024 * 1024, uploadBytes: parts.limits?.uploadBytes ?? 256 * 1024 * 1024 },
    loginLimiter: parts.loginLimiter ?? loginLimiter(),
    async callerOf(c) {
      if (c.get('caller') === undefined) c.set('caller', await authenticate(c, authParts));
      return c.get('caller');
    },
    asCaller: (c, caller) => ({ ...(caller as Caller), correlationId: c.get('requestId') }),
  };

  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('log', parts.logger.child({ requestId: c.get('requestId') }));
    await next();
    // Method, path and status only: never headers, query strings or bodies (tokens, passwords, names).
    c.get('log').info({ method: c.req.method, path: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.onError((error, c) => {
    if (error instanceof PortalError) {
      return problemResponse(c, problemOf(error), error instanceof HttpProblem ? error.headers : retryAfterOf(error));
    }
    c.get('log')?.error({ err: error }, 'unexpected failure');
    return problemResponse(c, internalProblem);
  });
  app.notFound((c) => problemResponse(c, { type: 'request.no_route', title: 'Not found', status: 404, detail: `No route ${c.req.method} ${c.req.path}.` }));

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const state = (await parts.ready?.()) ?? { ready: true, detail: 'ready' };
    return c.json({ status: state.ready ? 'ready' : 'not_ready', detail: state.detail }, state.ready ? 200 : 503);
  });

  registerSessionRoutes(ctx);
  for (const [id, spec] of Object.entries(routes) as [OperationId, RouteSpec][]) {
    documentOperation(app, id, spec);
    if (!spec.content && !sessionOperations.has(id)) registerOperation(ctx, id, spec);
  }
  registerDocs(app);
  return app;
}

/** Served by the session routes, which add the session to the function's answer. */
const sessionOperations = new Set<OperationId>(['invitations.acceptInvitation', 'access.logIn']);

function retryAfterOf(error: PortalError): Record<string, string> {
  return error.code === 'read_model.behind' || error.code === 'store.unavailable' ? { 'retry-after': '1' } : {};
}

const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * Refuses a JSON body over `maxBytes`. A declared Content-Length is checked as it stands (the HTTP
 * parser holds the body to it); only a body sent without one is counted as it arrives. Hono's
 * bodyLimit alone would first turn @hono/node-server's light request into a full web Request, a
 * cost every request paid.
 */
function jsonBodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () => new HttpProblem('request.too_large', `The request body is larger than ${maxBytes} bytes.`, 413);
  const counted = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    if (Number(length) > maxBytes) throw tooLarge();
    return next();
  };
}

function registerOperation(ctx: RouteContext, id: OperationId, spec: RouteSpec): void {
  // A read's input is its query string: its body, if any, is never read.
  const limit: MiddlewareHandler<AppEnv> = spec.method === 'get' ? (_c, next) => next() : jsonBodyLimit(ctx.limits.jsonBytes);
  ctx.app.on(spec.method.toUpperCase(), honoPath(spec.path), limit, async (c) => {
    const caller = spec.audience.includes('public') ? null : await ctx.callerOf(c);
    admit(spec, caller);
    const input = await inputOf(c, id, spec);
    const asCaller = ctx.asCaller(c, caller);
    const streamId = spec.stream?.(input as Record<string, string>);
    if (spec.method === 'get') {
      const revision = streamId !== undefined ? await revisionOf(ctx.portal, streamId) : null;
      const result = await call(ctx.portal, id, asCaller, input);
      if (revision !== null) c.header('etag', etagOf(revision));
      return c.json(result);
    }
    const expected = ifMatchOf(c);
    if (expected !== undefined) {
      if (streamId === undefined) throw new HttpProblem('request.if_match_not_supported', 'This operation takes no If-Match.', 400);
      asCaller.ifMatch = { streamId, revision: expected };
    }
    const result = await call(ctx.portal, id, asCaller, input);
    if (streamId !== undefined && typeof result?.revision === 'number') c.header('etag', etagOf(result.revision));
    const extra = await afterWrite(ctx, id, asCaller, input, result);
    return c.json({ ...result, ...extra }, spec.created ? 201 : 200);
  });
}

/**
 * What a write changes beyond the log: a new firm's first partner admin gets an API token (a
 * retried create gets another: the first one's answer may be what was lost); people who left lose
 * their credentials at once.
 */
async function afterWrite(
  ctx: RouteContext,
  id: OperationId,
  caller: Caller,
  input: Record<string, unknown>,
  result: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (id === 'firms.createFirm') {
    const { token } = await ctx.credentials.issueStaffToken({ firmId: String(result.firmId), userId: String(result.partnerAdminId), label: 'First partner admin' });
    return { apiToken: token };
  }
  if (id === 'firms.removeStaffUser' || id === 'firms.removeCompanyAdmin') {
    const firmId = String(input.firmId ?? input.companyId);
    await ctx.credentials.revokeStaffTokensOf(firmId, String(input.userId));
  }
  if (id === 'access.closePortalAccess' || id === 'personalData.forgetContact' || id === 'clients.removeMember') {
    await ctx.credentials.revokeSessionsOf(caller.tenantId, String(input.contactId));
  }
  return {};
}
