import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_TENANT, WORK_TENANT } from '../../../adapters/onedrive/simulator/accounts.js';
import { startGraphSimulator, type GraphSimulator } from '../../../adapters/onedrive/simulator/server.js';
import { CLIENT_ID, REDIRECT_URI, SCOPES, connect, graphClient, msalApp } from './simulator-support.js';

let sim: GraphSimulator;
beforeAll(async () => {
  sim = await startGraphSimulator();
});
afterAll(() => sim.close());

describe('Graph simulator: Microsoft login through MSAL', () => {
  it('redeems a PKCE code for a personal account, with the consumer tenant', async () => {
    const { result, authUrl, back } = await connect(sim);
    expect(new URL(authUrl).origin).toBe('https://login.microsoftonline.com');
    expect(back.origin + back.pathname).toBe(REDIRECT_URI);
    expect(back.searchParams.get('state')).toBe('state-1');
    expect(result.tenantId).toBe(CONSUMER_TENANT);
    expect(result.account?.username).toBe('firm@outlook.com');
    expect(result.account?.homeAccountId).toBe(`${sim.account.oid}.${CONSUMER_TENANT}`);
    const me = await graphClient(sim, () => result.accessToken).api('/me/drive').get();
    expect(me).toMatchObject({ id: sim.personal.id, driveType: 'personal' });
  });

  it('follows the authorize URL over HTTP too (the demo\'s browser step)', async () => {
    const app = msalApp(sim);
    const authUrl = new URL(await app.getAuthCodeUrl({ scopes: SCOPES, redirectUri: REDIRECT_URI, state: 'xyz' }));
    const response = await fetch(`${sim.url}${authUrl.pathname}${authUrl.search}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('xyz');
    expect(back.searchParams.get('code')).toMatch(/^M\.C/);
  });

  it('refuses a code redeemed with the wrong PKCE verifier, and a code redeemed twice', async () => {
    const { app, back, pkce } = await connect(sim).then(async (first) => {
      const again = await first.app.acquireTokenByCode({
        code: first.back.searchParams.get('code')!, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: first.pkce.verifier,
      }).catch((error: unknown) => error);
      expect(String((again as Error).message)).toContain('AADSTS54005');
      return first;
    });
    const authUrl = await app.getAuthCodeUrl({
      scopes: SCOPES, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256',
    });
    const code = sim.login(authUrl).searchParams.get('code')!;
    expect(code).not.toBe(back.searchParams.get('code'));
    const error = await app
      .acquireTokenByCode({ code, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: 'a'.repeat(43) })
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('AADSTS501481');
  });

  it('serves silent requests from the cache, and refreshes with the refresh token when forced', async () => {
    const { app, account, result } = await connect(sim);
    sim.requests.reset();
    const cached = await app.acquireTokenSilent({ account, scopes: SCOPES });
    expect(cached.accessToken).toBe(result.accessToken);
    expect(sim.requests.count('token')).toBe(0);
    const refreshed = await app.acquireTokenSilent({ account, scopes: SCOPES, forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    expect(sim.requests.count('token')).toBe(1);
    expect(await graphClient(sim, () => refreshed.accessToken).api('/me').get()).toMatchObject({ userPrincipalName: 'firm@outlook.com' });
  });

  // MSAL makes an InteractionRequiredAuthError only of a known suberror (consent_required here);
  // a bare invalid_grant (revoked, expired) stays a ServerError: the adapter must test errorCode.
  it.each([
    ['consent', 'AADSTS65001', InteractionRequiredAuthError],
    ['revoked', 'AADSTS50173', ServerError],
    ['expired', 'AADSTS700082', ServerError],
  ] as const)('refuses a refresh with invalid_grant when the grant is %s', async (problem, code, kind) => {
    const { app, account } = await connect(sim);
    sim.account.grantProblem = problem;
    try {
      const error = await app.acquireTokenSilent({ account, scopes: SCOPES, forceRefresh: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(kind);
      expect((error as AuthError).errorCode).toBe('invalid_grant');
      expect((error as AuthError).errorMessage).toContain(code);
    } finally {
      sim.account.grantProblem = undefined;
    }
    // Reconnecting (a new login) works again.
    expect((await connect(sim)).result.accessToken).toBeTruthy();
  });

  it('logs a work/school account in with its own tenant and a business drive', async () => {
    sim.accounts.loginAs = sim.work.username;
    try {
      const { result } = await connect(sim);
      expect(result.tenantId).toBe(WORK_TENANT);
      const drive = await graphClient(sim, () => result.accessToken).api('/me/drive').get();
      expect(drive.driveType).toBe('business');
    } finally {
      sim.accounts.loginAs = sim.account.username;
    }
  });

  it('answers 401 on Graph without a token, with an unknown one, and with an expired one', async () => {
    const { result } = await connect(sim);
    const call = (token?: string) =>
      fetch(`${sim.url}/v1.0/me/drive`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(401);
    expect((await call('nope')).status).toBe(401);
    expect((await call(result.accessToken)).status).toBe(200);
    sim.accounts.expireAccessTokens();
    const expired = await call(result.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('expired_token');
  });

  it('passes a login cancelled by the user back to the redirect URI as an error', async () => {
    sim.accounts.refuseNextLogin = 'access_denied';
    const app = msalApp(sim);
    const back = sim.login(await app.getAuthCodeUrl({ scopes: SCOPES, redirectUri: REDIRECT_URI, state: 's' }));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    expect(CLIENT_ID).toBeTruthy();
  });
});
