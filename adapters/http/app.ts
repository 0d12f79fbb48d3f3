/**
 * The HTTP service as a Hono app built from injected parts, so a host can mount it in its own
 * server (`npm start` runs it with @hono/node-server). One JSON route per application function
 * (routes.ts), content routes for bytes, the client session routes, live updates, OpenAPI and docs.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import type { Caller } from '../../src/application/context.js';
import { operationInputs, type OperationId } from '../../src/application/inputs.js';
import type { Portal } from '../../src/application/portal.js';
import type { BlobStore } from '../../src/core/blob-store.js';
import { PortalError } from '../../src/core/errors.js';
import { parseCommand } from '../../src/core/validate.js';
import { memoryBlobStore } from '../blobs/memory-blob-store.js';
import type { Clock } from '../../src/core/ports.js';
import { authenticate, StaffOnFirm, stillAuthenticates, type Authenticator } from './auth.js';
import type { Credentials } from './credentials/credentials.js';
import { loginLimiter, type LoginLimiter } from './credentials/rate-limit.js';
import { checkContentReferences } from './content-references.js';
import { registerContentRoutes } from './content-routes.js';
import { registerDocs } from './docs.js';
import { registerOneDriveRoutes, type OneDriveParts } from './onedrive-routes.js';
import { registerLiveUpdates, type LiveUpdateOptions } from './live-updates.js';
import { documentOperation, documentProbes } from './openapi.js';
import { admit, call, etagOf, ifMatchOf, inputOf, revisionOf, type AnyCaller } from './operation.js';
import { HttpProblem, internalProblem, problemHeadersOf, problemOf, problemResponse } from './problem.js';
import { jsonBodyLimit } from './request-input.js';
import { routes, type RouteSpec } from './routes.js';
import { registerPages } from './pages/index.js';
import { sameOriginCookieWrites } from './same-origin.js';
import { registerSessionRoutes, socketAddressOf } from './session-routes.js';

export interface HttpParts {
  portal: Portal;
  credentials: Credentials;
  /** Documents' bytes: the store the portal's forgetting deletes from. */
  blobs: BlobStore;
  /**
   * Firms' logos, kept apart from documents so that forgetting a client never deletes another
   * firm's logo that happens to have the same bytes (default: in process memory, lost on restart).
   */
  logos?: BlobStore;
  logger: Logger;
  clock?: Clock;
  /** A host's own sign-in, asked after the built-in tokens and sessions. */
  authenticators?: readonly Authenticator[];
  /** Readiness beyond "the process answers" (default: the portal's: store answers, read models caught up). */
  ready?: () => Promise<{ ready: boolean; detail: string }>;
  limits?: { jsonBytes?: number; uploadBytes?: number };
  /**
   * The client's address, for the login limit and the documents' trail. Default: the socket's peer.
   * Behind a reverse proxy, read the header it sets (and only trust it from the proxy).
   */
  clientIp?: (c: Context) => string | undefined;
  /** Secure cookies (behind HTTPS). */
  secureCookies?: boolean;
  sessionTtlSeconds?: number;
  loginLimiter?: LoginLimiter;
  /** Limits on asking for a password reset link (its own: asking for links never locks the login). */
  resetLimiter?: LoginLimiter;
  liveUpdates?: LiveUpdateOptions;
  /**
   * Aborted when the host stops: open live update streams end at once (browsers resume them
   * elsewhere, from where they left off) instead of holding the shutdown for its whole grace.
   */
  shutdown?: AbortSignal;
  /** The OneDrive login (connect and callback routes); without it those routes are not served. */
  oneDrive?: OneDriveParts;
}

export interface AppEnv {
  Variables: { requestId: string; caller: AnyCaller | null; log: Logger; clientIp: string | undefined };
}

/** Everything a route module needs. */
export interface RouteContext extends Required<Omit<HttpParts, 'ready' | 'authenticators' | 'limits' | 'loginLimiter' | 'resetLimiter' | 'clientIp' | 'oneDrive'>> {
  app: OpenAPIHono<AppEnv>;
  limits: { jsonBytes: number; uploadBytes: number };
  loginLimiter: LoginLimiter;
  resetLimiter: LoginLimiter;
  /** The caller of a request (null: no credentials). */
  callerOf(c: Context<AppEnv>): Promise<AnyCaller | null>;
  /** The caller as the application takes it, the request id as its correlation id. */
  asCaller(c: Context<AppEnv>, caller: AnyCaller | null): Caller;
  /**
   * Whether the request's credential still authenticates the caller it was admitted as, asked
   * again (not the request's remembered answer): for responses that outlive their admission.
   */
  stillAuthenticated(c: Context<AppEnv>): Promise<boolean>;
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
    logos: parts.logos ?? memoryBlobStore(),
    logger: parts.logger,
    clock,
    secureCookies: parts.secureCookies ?? false,
    sessionTtlSeconds: parts.sessionTtlSeconds ?? 8 * 3600,
    limits: { jsonBytes: parts.limits?.jsonBytes ?? 1024 * 1024, uploadBytes: parts.limits?.uploadBytes ?? 256 * 1024 * 1024 },
    loginLimiter: parts.loginLimiter ?? loginLimiter(),
    // Each request mails someone: a few per account, and per address as many as logins allow.
    resetLimiter: parts.resetLimiter ?? loginLimiter({ perAccount: { limit: 5, windowSeconds: 15 * 60 } }),
    liveUpdates: parts.liveUpdates ?? {},
    shutdown: parts.shutdown ?? new AbortController().signal,
    async callerOf(c) {
      if (c.get('caller') === undefined) c.set('caller', await authenticate(c, authParts));
      return c.get('caller');
    },
    asCaller: (c, caller) => ({ ...(caller as Caller), correlationId: c.get('requestId') }),
    async stillAuthenticated(c) {
      const caller = c.get('caller');
      return caller !== undefined && caller !== null && (await stillAuthenticates(c, authParts, caller));
    },
  };

  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('log', parts.logger.child({ requestId: c.get('requestId') }));
    c.set('clientIp', (parts.clientIp ?? socketAddressOf)(c));
    await next();
    // Method, path and status only: never headers, query strings or bodies (tokens, passwords, names).
    c.get('log').info({ method: c.req.method, path: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use(sameOriginCookieWrites);
  app.onError((error, c) => {
    if (error instanceof PortalError) {
      const problem = problemOf(error);
      if (problem.status >= 500) c.get('log')?.error({ err: error }, 'failure');
      return problemResponse(c, problem, problemHeadersOf(error));
    }
    c.get('log')?.error({ err: error }, 'unexpected failure');
    return problemResponse(c, internalProblem);
  });
  app.notFound((c) => problemResponse(c, { type: 'request.no_route', title: 'Not found', status: 404, detail: `No route ${c.req.method} ${c.req.path}.` }));

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const state = await (parts.ready ?? (() => parts.portal.readiness()))().catch((error: unknown) => {
      c.get('log').warn({ err: error }, 'readiness check failed');
      return { ready: false, detail: 'The readiness check failed.' };
    });
    return c.json({ status: state.ready ? 'ready' : 'not_ready', detail: state.detail }, state.ready ? 200 : 503);
  });
  documentProbes(app);

  registerSessionRoutes(ctx);
  registerLiveUpdates(ctx);
  registerContentRoutes(ctx);
  if (parts.oneDrive) registerOneDriveRoutes(ctx, parts.oneDrive);
  for (const [id, spec] of Object.entries(routes) as [OperationId, RouteSpec][]) {
    if (sessionOperations.has(id)) continue; // described and served by the session routes
    documentOperation(app, id, spec);
    if (!spec.content) registerOperation(ctx, id, spec);
  }
  registerDocs(app);
  registerPages(ctx);
  return app;
}

const serverResolved = new Set<OperationId>(['folders.linkFolder', 'folders.saveAllFolderLinks']);

/** Served by the session routes, which add the session to the function's answer. */
const sessionOperations = new Set<OperationId>(['invitations.acceptInvitation', 'access.logIn', 'access.requestPasswordReset', 'access.resetPassword']);

const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

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
      // Invalid input goes straight to the function, which refuses it field by field.
      const readable = streamId !== undefined && operationInputs[id].safeParse(input).success;
      const revision = readable ? await revisionOf(ctx.portal, streamId) : null;
      const result = await call(ctx.portal, id, asCaller, input);
      if (revision !== null) c.header('etag', etagOf(revision));
      return c.json(result);
    }
    // Folder links name only the pasted address over HTTP: the server resolves it (never a client's claim).
    if (serverResolved.has(id)) parseCommand(operationInputs[id], input);
    await checkContentReferences(ctx, id, asCaller, input);
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

const FIRST_ADMIN_TOKEN = 'First partner admin';

/**
 * What a write changes beyond the log: a new firm's first partner admin gets an API token (a
 * retried create gets a new one in place of the first, whose answer may be what was lost); people
 * who left lose their credentials at once.
 */
async function afterWrite(
  ctx: RouteContext,
  id: OperationId,
  caller: Caller,
  input: Record<string, unknown>,
  result: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (id === 'firms.createFirm') {
    const firmId = String(result.firmId);
    const userId = String(result.partnerAdminId);
    // A retried create answers with a new token and the one its lost answer held stops working.
    for (const earlier of await ctx.credentials.listStaffTokens(firmId, userId)) {
      if (earlier.label === FIRST_ADMIN_TOKEN) await ctx.credentials.revokeStaffToken(firmId, earlier.tokenId);
    }
    const { token } = await ctx.credentials.issueStaffToken({ firmId, userId, label: FIRST_ADMIN_TOKEN });
    return { apiToken: token };
  }
  if (id === 'firms.removeStaffUser' || id === 'firms.removeCompanyAdmin') {
    const firmId = String(input.firmId ?? input.companyId);
    await ctx.credentials.revokeStaffTokensOf(firmId, String(input.userId));
  }
  if (id === 'access.closePortalAccess' || id === 'personalData.forgetContact' || id === 'clients.removeMember') {
    await ctx.credentials.revokeSessionsOf(caller.tenantId, String(input.contactId));
  }
  if (id === 'clients.archiveClient') {
    for (const contactId of (result.contactIds as string[] | undefined) ?? []) await ctx.credentials.revokeSessionsOf(caller.tenantId, contactId);
  }
  return {};
}
