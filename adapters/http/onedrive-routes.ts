/**
 * Connecting the firm's OneDrive Personal: `POST /onedrive/connect` (a partner admin) answers the
 * Microsoft login URL whose `state` the callback checks; `GET /onedrive/callback` (where Microsoft
 * sends the browser back) redeems the code, checks the account's drive is personal, and records the
 * connection through portal.firms.connectOneDrive as the admin who started it.
 */
import { z } from '@hono/zod-openapi';
import type { Portal } from '../../src/application/portal.js';
import { DomainError } from '../../src/core/errors.js';
import { LoginCodeError, LoginStateError, type OneDriveConnector } from '../onedrive/connector.js';
import type { OneDriveGraph } from '../onedrive/graph.js';
import type { RouteContext } from './app.js';
import { describeRoute } from './openapi.js';
import { admit } from './operation.js';
import { HttpProblem } from './problem.js';

export interface OneDriveParts {
  connector: OneDriveConnector;
  graph: OneDriveGraph;
}

export const personalOnly = () =>
  new DomainError('onedrive.personal_only', 'OneDrive Personal only: OneDrive for Business and SharePoint (work or school) accounts are not supported.');

/** Redeems the login's code, checks the drive is personal, records the connection as the admin who started it. */
export async function completeConnect(
  portal: Portal,
  parts: OneDriveParts,
  login: ReturnType<OneDriveConnector['takeLogin']>,
  code: string,
  correlationId?: string,
) {
  const admin = { tenantId: login.firmId, actor: { kind: 'staff' as const, userId: login.userId }, ...(correlationId ? { correlationId } : {}) };
  return parts.connector.redeem(login, code, async (accessToken, account) => {
    const drive = (await parts.graph.withToken(accessToken).api('/me/drive').select('id,driveType').get()) as { driveType: string };
    if (drive.driveType !== 'personal') throw personalOnly();
    return portal.firms.connectOneDrive(admin, {
      accountId: account.homeAccountId,
      displayName: account.name?.trim() || account.username,
      driveType: 'personal',
    });
  });
}

export function registerOneDriveRoutes(ctx: RouteContext, parts: OneDriveParts): void {
  const { app, portal } = ctx;

  app.post('/onedrive/connect', async (c) => {
    const caller = await ctx.callerOf(c);
    admit({ audience: ['staff'] }, caller);
    if (caller!.actor.kind !== 'staff') throw new HttpProblem('auth.not_for_you', 'This operation is for staff callers.', 403);
    const start = await parts.connector.startLogin({ firmId: caller!.tenantId, userId: caller!.actor.userId });
    return c.json({ loginUrl: start.loginUrl });
  });

  app.get('/onedrive/callback', async (c) => {
    const state = c.req.query('state');
    if (state === undefined) throw new HttpProblem('onedrive.login_state_missing', 'The Microsoft login came back without its state.', 400);
    let login;
    try {
      login = parts.connector.takeLogin(state);
    } catch (error) {
      if (error instanceof LoginStateError) throw new HttpProblem('onedrive.login_state_unknown', error.message, 400);
      throw error;
    }
    const refused = c.req.query('error');
    if (refused !== undefined) throw new DomainError('onedrive.login_refused', `The Microsoft login did not complete (${refused}). Start connecting again.`);
    const code = c.req.query('code');
    if (code === undefined) throw new HttpProblem('onedrive.login_code_missing', 'The Microsoft login came back without a code.', 400);
    let connected;
    try {
      connected = await completeConnect(portal, parts, login, code, c.get('requestId'));
    } catch (error) {
      if (error instanceof LoginCodeError) throw new HttpProblem('onedrive.login_code_refused', error.message, 400);
      throw error;
    }
    return c.json({ connected: true, oneDrive: connected.oneDrive });
  });

  describeRoute(app, {
    method: 'post',
    path: '/onedrive/connect',
    operationId: 'onedrive.connect',
    summary: "Starts connecting the firm's OneDrive Personal: the Microsoft login URL to open",
    audience: ['staff'],
    responses: { 200: { description: 'The login URL', content: { 'application/json': { schema: z.object({ loginUrl: z.string() }) } } } },
  });
  describeRoute(app, {
    method: 'get',
    path: '/onedrive/callback',
    operationId: 'onedrive.callback',
    summary: 'Where the Microsoft login returns: records the connection (OneDrive Personal only)',
    audience: ['public'],
    request: { query: z.object({ code: z.string().optional(), state: z.string(), error: z.string().optional() }) },
    responses: { 200: { description: 'Connected' }, 400: { description: 'The state or the code was refused' }, 422: { description: 'A work or school account, or a login refused' } },
  });
}
