/** Connecting the firm's OneDrive through the routes, with the real MSAL against the simulator. */
import { afterEach, describe, expect, it } from 'vitest';
import { streams } from '../../../src/streams.js';
import { oneDriveWorld, type World } from './sync-support.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const firmEvents = async (w: World) => (await w.test.ctx.log.readStream(streams.firm(w.tenantId))).map((e) => e.type);

describe('connecting OneDrive Personal', () => {
  it('sends the admin to the consumers login with PKCE and a state, and records the connection on the callback', async () => {
    world = await oneDriveWorld();
    const { status, body, loginUrl } = await world.connect();
    const url = new URL(loginUrl);
    expect(url.origin + url.pathname).toBe('https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toContain('Files.ReadWrite');
    expect(url.searchParams.get('scope')).toContain('offline_access');
    expect(status).toBe(200);
    expect(body.oneDrive).toMatchObject({ status: 'connected', displayName: world.sim.account.name });
    expect(await firmEvents(world)).toContain('OneDriveConnected');
    // The token cache is kept for the firm, and a token comes from it without another login.
    expect(world.caches.raw.get(world.tenantId)).toContain('RefreshToken');
    expect(await world.connector.accessToken(world.tenantId)).toBeTruthy();
  });

  it('accepts a state once only', async () => {
    world = await oneDriveWorld();
    const started = await world.http('POST', '/onedrive/connect');
    const back = world.sim.login(started.body.loginUrl);
    expect((await world.app.request(`/onedrive/callback${back.search}`)).status).toBe(200);
    const again = await world.app.request(`/onedrive/callback${back.search}`);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { type: string }).type).toBe('onedrive.login_state_unknown');
    const forged = await world.app.request(`/onedrive/callback?code=x&state=forged`);
    expect(forged.status).toBe(400);
  });

  it('answers 400 to an authorization code Microsoft refuses, or one far too long, and records nothing', async () => {
    world = await oneDriveWorld();
    for (const code of ['M.C-not-a-code', 'x'.repeat(100_000)]) {
      const started = await world.http('POST', '/onedrive/connect');
      const state = new URL(world.sim.login(started.body.loginUrl).href).searchParams.get('state')!;
      const answer = await world.app.request(`/onedrive/callback?state=${encodeURIComponent(state)}&code=${code}`);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { type: string }).type).toBe('onedrive.login_code_refused');
    }
    expect(await firmEvents(world)).not.toContain('OneDriveConnected');
    expect(world.caches.raw.has(world.tenantId)).toBe(false);
  });

  it('refuses a work or school account with "OneDrive Personal only", keeping nothing', async () => {
    world = await oneDriveWorld();
    world.sim.accounts.loginAs = world.sim.work.username;
    const { status, body } = await world.connect();
    expect(status).toBe(422);
    expect(body).toMatchObject({ type: 'onedrive.personal_only' });
    expect(body.detail).toContain('OneDrive Personal only');
    expect(await firmEvents(world)).not.toContain('OneDriveConnected');
    expect(world.caches.raw.has(world.tenantId)).toBe(false);
  });

  it('marks the firm as needing reconnection when the refresh is refused (invalid_grant), stops polling it, and polls again once reconnected', async () => {
    world = await oneDriveWorld();
    await world.connect();
    world.sim.personal.addFolder('/', 'Acme');
    world.sim.personal.addFile('/Acme', 'a.txt', 'one');
    const clientId = await world.client();
    const linked = await world.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: world.sim.share(world.sim.personal, '/Acme') });
    expect(linked.status).toBe(200);
    await world.poll();
    expect(await world.documents(clientId)).toEqual(['a.txt']);

    world.sim.account.grantProblem = 'revoked';
    world.sim.accounts.expireAccessTokens();
    world.sim.personal.addFile('/Acme', 'b.txt', 'two');
    const outcomes = await world.poll();
    expect(outcomes.get(clientId)).toBe('needs-reconnect');
    const firm = await world.portal.firms.getFirm(world.admin, { firmId: world.tenantId });
    expect(firm.oneDrive).toMatchObject({ status: 'needs_reconnect', reason: 'consent_revoked' });
    const graphBefore = world.sim.requests.graph();
    expect((await world.poll()).size).toBe(0);
    expect(world.sim.requests.graph()).toBe(graphBefore);

    world.sim.account.grantProblem = undefined;
    expect((await world.connect()).status).toBe(200);
    await world.poll();
    expect(await world.documents(clientId)).toEqual(['a.txt', 'b.txt']);
  });
});

describe('a refresh MSAL itself makes and Microsoft refuses', () => {
  const cases = [
    ['consent', 'consent_revoked'],
    ['revoked', 'consent_revoked'],
    ['expired', 'token_expired'],
  ] as const;
  for (const [problem, reason] of cases) {
    it(`records "needs reconnect" (${reason}) when the grant is refused for ${problem}, and stops polling the firm`, async () => {
      world = await oneDriveWorld({ sim: { accessTokenSeconds: 60 } });
      await world.connect();
      world.sim.personal.addFolder('/', 'Acme');
      world.sim.personal.addFile('/Acme', 'a.txt', 'one');
      const clientId = await world.client();
      expect((await world.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: world.sim.share(world.sim.personal, '/Acme') })).status).toBe(200);
      await world.poll();
      expect(await world.documents(clientId)).toEqual(['a.txt']);

      world.sim.account.grantProblem = problem;
      const outcomes = await world.poll();
      expect(outcomes.get(clientId)).toBe('needs-reconnect');
      const firm = await world.portal.firms.getFirm(world.admin, { firmId: world.tenantId });
      expect(firm.oneDrive).toMatchObject({ status: 'needs_reconnect', reason });
      const graphBefore = world.sim.requests.graph();
      expect((await world.poll()).size).toBe(0);
      expect(world.sim.requests.graph()).toBe(graphBefore);
    });
  }

  it('records "needs reconnect" (account_unavailable) when the token cache cannot be read', async () => {
    world = await oneDriveWorld();
    await world.connect();
    world.sim.personal.addFolder('/', 'Acme');
    const clientId = await world.client();
    expect((await world.http('PUT', `/clients/${clientId}/folder-link`, { folderUrl: world.sim.share(world.sim.personal, '/Acme') })).status).toBe(200);
    world.connector.forget(world.tenantId);
    world.caches.raw.set(world.tenantId, 'not a token cache');
    const outcomes = await world.poll();
    expect(outcomes.get(clientId)).toBe('needs-reconnect');
    const firm = await world.portal.firms.getFirm(world.admin, { firmId: world.tenantId });
    expect(firm.oneDrive).toMatchObject({ status: 'needs_reconnect', reason: 'account_unavailable' });
  });
});
