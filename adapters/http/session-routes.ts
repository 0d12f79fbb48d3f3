/**
 * Sign-in and credentials: a contact accepts the emailed invitation or logs in on the firm's portal
 * and gets a session (an HttpOnly cookie for the browser, the same token for API clients); partner
 * admins issue and revoke staff API tokens; a firm's first partner admin gets one when the firm is
 * opened. Login is rate-limited per account and per IP.
 */
import { z } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { operationInputs } from '../../src/application/inputs.js';
import type { AppEnv, RouteContext } from './app.js';
import { bearerOf, SESSION_COOKIE } from './auth.js';
import { loginAccount } from './credentials/rate-limit.js';
import { admit, call } from './operation.js';
import { describeRoute, errorResponses, type DescribedRoute } from './openapi.js';
import { HttpProblem } from './problem.js';
import { jsonBodyLimit, jsonInput, refuseRequestFacts, withPathParams } from './request-input.js';
import { routes } from './routes.js';

/** The socket's peer address (no proxy header is trusted). */
export function socketAddressOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address ?? undefined;
  } catch {
    return undefined; // not served by @hono/node-server (app.request in tests, another runtime)
  }
}

/** The client's address as the app was told to find it (HttpParts.clientIp; by default the socket's). */
export const ipOf = (c: Context): string | undefined => c.get('clientIp');

/**
 * The user agent as the trail keeps it: bounded like the application's input, and printable ASCII
 * only (a header may carry bytes the application refuses as control characters, which would fail
 * the whole request); undefined when nothing is left.
 */
export const userAgentOf = (c: Context) =>
  c.req
    .header('user-agent')
    ?.replace(/[^\x20-\x7e]/g, '?')
    .trim()
    .slice(0, 512) || undefined;

/** Starts a client session: the HttpOnly, SameSite=Lax cookie (Secure behind HTTPS), and the same token for API clients. */
export async function startSession(ctx: RouteContext, c: Context<AppEnv>, firmId: string, contactId: string) {
  const session = await ctx.credentials.createSession({ firmId, contactId, ttlSeconds: ctx.sessionTtlSeconds, now: ctx.clock.now() });
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: ctx.secureCookies,
    path: '/',
    maxAge: ctx.sessionTtlSeconds,
  });
  return { token: session.token, expiresAt: session.expiresAt };
}

/**
 * A login with the rate limits (per account and per IP, checked before anything is parsed or
 * hashed), starting a session when it succeeds. Shared by the JSON route and the login page.
 */
export async function logInWithLimits(ctx: RouteContext, c: Context<AppEnv>, input: Record<string, unknown>) {
  const ip = ipOf(c);
  const keys = { account: loginAccount(String(input.tenantId), String(input.loginEmail ?? input.contactId ?? '')), ip: ip ?? 'unknown' };
  const verdict = ctx.loginLimiter.check(keys);
  if (!verdict.allowed) {
    throw new HttpProblem('auth.too_many_attempts', 'Too many login attempts; wait before trying again.', 429, {
      'retry-after': String(verdict.retryAfterSeconds),
    });
  }
  const userAgent = userAgentOf(c);
  let loggedIn;
  try {
    loggedIn = await call(ctx.portal, 'access.logIn', null, { ...input, ...(ip ? { ipAddress: ip } : {}), ...(userAgent ? { userAgent } : {}) });
  } catch (error) {
    ctx.loginLimiter.recordFailure(keys);
    throw error;
  }
  ctx.loginLimiter.recordSuccess(keys);
  return { ...loggedIn, session: await startSession(ctx, c, String(input.tenantId), loggedIn.contactId) };
}

/**
 * Asking for a reset link has its own limits (each request counts: it mails someone), so nobody
 * floods a person's inbox or probes addresses, and asking for links never locks the login.
 */
export async function requestResetWithLimits(ctx: RouteContext, c: Context<AppEnv>, input: Record<string, unknown>): Promise<void> {
  const keys = { account: loginAccount(String(input.tenantId), String(input.loginEmail ?? '')), ip: ipOf(c) ?? 'unknown' };
  const verdict = ctx.resetLimiter.check(keys);
  if (!verdict.allowed) {
    throw new HttpProblem('auth.too_many_attempts', 'Too many requests for a reset link; wait before trying again.', 429, { 'retry-after': String(verdict.retryAfterSeconds) });
  }
  ctx.resetLimiter.recordFailure(keys);
  await call(ctx.portal, 'access.requestPasswordReset', null, input);
}

/** A new password from the emailed link: the contact's other sessions end, and this request starts one. */
export async function resetPasswordAndStartSession(ctx: RouteContext, c: Context<AppEnv>, input: unknown) {
  const reset = await call(ctx.portal, 'access.resetPassword', null, input);
  await ctx.credentials.revokeSessionsOf(reset.tenantId, reset.contactId);
  return { ...reset, session: await startSession(ctx, c, reset.tenantId, reset.contactId) };
}

export function registerSessionRoutes(ctx: RouteContext): void {
  const { app, portal, credentials } = ctx;
  const limit = jsonBodyLimit(ctx.limits.jsonBytes);

  app.post('/invitations/accept', limit, async (c) => {
    const input = await jsonInput(c);
    const accepted = await call(portal, 'invitations.acceptInvitation', null, input);
    const session = accepted.access === 'active' ? await startSession(ctx, c, accepted.tenantId, accepted.contactId) : null;
    return c.json({ ...accepted, session });
  });

  app.post('/firms/:tenantId/login', limit, async (c) => {
    const input = withPathParams(refuseRequestFacts(await jsonInput(c)), c.req.param());
    return c.json(await logInWithLimits(ctx, c, input));
  });

  app.post('/firms/:tenantId/password-reset', limit, async (c) => {
    await requestResetWithLimits(ctx, c, withPathParams(await jsonInput(c), c.req.param()));
    return c.json({ requested: true }, 202);
  });

  app.post('/password-reset/confirm', limit, async (c) => c.json(await resetPasswordAndStartSession(ctx, c, await jsonInput(c))));

  app.post('/logout', async (c) => {
    // Both, when both are sent: the bearer may be a staff token, and the cookie still a session.
    for (const token of [bearerOf(c), getCookie(c, SESSION_COOKIE)]) if (token?.startsWith('cpc_')) await credentials.revokeSession(token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/me', async (c) => {
    const caller = await ctx.callerOf(c);
    admit({ audience: ['platform', 'staff', 'contact'] }, caller);
    return c.json({ tenantId: caller!.tenantId, actor: caller!.actor });
  });

  /** Partner admins of the caller's firm manage its staff tokens. */
  async function partnerAdmin(c: Context<AppEnv>) {
    const caller = await ctx.callerOf(c);
    admit({ audience: ['staff'] }, caller);
    const firm = await portal.firms.getFirm(ctx.asCaller(c, caller));
    const actor = caller!.actor as { kind: 'staff'; userId: string };
    if (!firm.staff.some((s) => s.userId === actor.userId && s.role === 'partner_admin')) {
      throw new HttpProblem('firm.not_partner_admin', 'Only a partner admin of the firm can manage API tokens.', 403);
    }
    return firm;
  }

  app.post('/staff-tokens', limit, async (c) => {
    const firm = await partnerAdmin(c);
    if (c.req.header('idempotency-key') !== undefined) {
      // The raw token is never stored, so a retry could not be given the first answer.
      throw new HttpProblem('request.idempotency_key_not_supported', 'A token cannot be handed out twice: retry without Idempotency-Key and revoke any token you did not receive.', 400);
    }
    const input = issueTokenInput.safeParse(await jsonInput(c));
    if (!input.success) {
      throw new HttpProblem('validation.failed', 'The request is not valid.', 400, {}, input.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    if (!firm.staff.some((s) => s.userId === input.data.userId)) throw new HttpProblem('firm.staff_not_found', 'No staff user with this id in the firm.', 404);
    const { token, info } = await credentials.issueStaffToken({ firmId: firm.id, ...input.data });
    return c.json({ token, ...info }, 201);
  });

  app.get('/staff-tokens', async (c) => {
    const firm = await partnerAdmin(c);
    return c.json({ items: await credentials.listStaffTokens(firm.id) });
  });

  app.delete('/staff-tokens/:tokenId', async (c) => {
    const firm = await partnerAdmin(c);
    if (!(await credentials.revokeStaffToken(firm.id, c.req.param('tokenId')))) {
      throw new HttpProblem('auth.token_not_found', 'No such API token in this firm.', 404);
    }
    return c.body(null, 204);
  });

  documentSessionRoutes(ctx);
}

const issueTokenInput = z.strictObject({
  userId: z.string().min(1).max(128),
  label: z.string().min(1).max(200).default('API token'),
});

const session = z.object({ token: z.string(), expiresAt: z.string() }).openapi('Session');

function documentSessionRoutes({ app }: RouteContext): void {
  const doc = (spec: Omit<DescribedRoute, 'request' | 'responses'> & { body?: z.ZodType; ok: number; okSchema?: z.ZodType; params?: z.ZodObject; gone?: true }) =>
    describeRoute(app, {
      ...spec,
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      },
      responses: {
        [spec.ok]: spec.okSchema ? { description: 'Done', content: { 'application/json': { schema: spec.okSchema } } } : { description: 'Done' },
        ...(spec.gone ? { 410: errorResponses[410], 422: errorResponses[422] } : {}),
      },
    });
  const accept = routes['invitations.acceptInvitation'];
  doc({ ...accept, operationId: 'invitations.acceptInvitation', body: operationInputs['invitations.acceptInvitation'], ok: 200, okSchema: z.object({ session: session.nullable() }).passthrough(), gone: true });
  const login = routes['access.logIn'];
  const loginBody = z.object({ loginEmail: z.string().optional(), contactId: z.string().optional(), password: z.string() });
  doc({ ...login, operationId: 'access.logIn', params: z.object({ tenantId: z.string() }), body: loginBody, ok: 200, okSchema: z.object({ session }).passthrough() });
  const resetAsk = routes['access.requestPasswordReset'];
  doc({ ...resetAsk, operationId: 'access.requestPasswordReset', params: z.object({ tenantId: z.string() }), body: z.object({ loginEmail: z.string() }), ok: 202, okSchema: z.object({ requested: z.literal(true) }) });
  const reset = routes['access.resetPassword'];
  doc({ ...reset, operationId: 'access.resetPassword', body: operationInputs['access.resetPassword'], ok: 200, okSchema: z.object({ session }).passthrough() });
  doc({ method: 'post', path: '/logout', operationId: 'auth.logOut', summary: 'Ends the client session', audience: ['public'], ok: 204 });
  doc({ method: 'get', path: '/me', operationId: 'auth.me', summary: 'Who the credentials belong to', audience: ['platform', 'staff', 'contact'], ok: 200, okSchema: z.object({ tenantId: z.string(), actor: z.record(z.string(), z.unknown()) }) });
  doc({ method: 'post', path: '/staff-tokens', operationId: 'auth.issueStaffToken', summary: 'Issues an API token for a staff user (partner admins)', audience: ['staff'], body: issueTokenInput, ok: 201 });
  doc({ method: 'get', path: '/staff-tokens', operationId: 'auth.listStaffTokens', summary: "The firm's API tokens (never the tokens themselves)", audience: ['staff'], ok: 200 });
  doc({ method: 'delete', path: '/staff-tokens/{tokenId}', operationId: 'auth.revokeStaffToken', summary: 'Revokes an API token', audience: ['staff'], params: z.object({ tokenId: z.string() }), ok: 204 });
}
