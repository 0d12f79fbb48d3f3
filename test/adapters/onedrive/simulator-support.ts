import { ConfidentialClientApplication, CryptoProvider, type AccountInfo } from '@azure/msal-node';
import { Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { loopbackNetworkClient } from '../../../adapters/onedrive/loopback-network.js';
import type { GraphSimulator } from '../../../adapters/onedrive/simulator/server.js';

export const CLIENT_ID = '00000000-1111-2222-3333-444444444444';
export const REDIRECT_URI = 'http://localhost:3000/onedrive/callback';
export const SCOPES = ['Files.ReadWrite', 'offline_access'];

/** MSAL with its real authority, reaching the simulator through the injected network client. */
export function msalApp(sim: GraphSimulator): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId: CLIENT_ID, authority: 'https://login.microsoftonline.com/consumers', clientSecret: 'secret' },
    system: { networkClient: loopbackNetworkClient(sim.url) },
  });
}

/** getAuthCodeUrl with PKCE, the simulated login, acquireTokenByCode. */
export async function connect(sim: GraphSimulator, app = msalApp(sim)) {
  const pkce = await new CryptoProvider().generatePkceCodes();
  const authUrl = await app.getAuthCodeUrl({
    scopes: SCOPES, redirectUri: REDIRECT_URI, state: 'state-1', codeChallenge: pkce.challenge, codeChallengeMethod: 'S256',
  });
  const back = sim.login(authUrl);
  const result = await app.acquireTokenByCode({
    code: back.searchParams.get('code')!, scopes: SCOPES, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier,
  });
  return { app, result, account: result.account as AccountInfo, authUrl, back, pkce };
}

/** A bearer-token middleware: the built-in one sends nothing over plain http. */
export function bearer(getToken: () => Promise<string> | string): Middleware & { setNext(middleware: Middleware): void } {
  let next: Middleware | undefined;
  return {
    async execute(context: Context) {
      const headers = new Headers(context.options?.headers as Record<string, string> | undefined);
      headers.set('Authorization', `Bearer ${await getToken()}`);
      context.options = { ...context.options, headers: Object.fromEntries(headers) };
      await next!.execute(context);
    },
    setNext(middleware: Middleware) {
      next = middleware;
    },
  };
}

/** The Graph client as the adapter will build it: own auth middleware, retries, base URL on loopback. */
export function graphClient(sim: GraphSimulator, getToken: () => Promise<string> | string, retries = 3): Client {
  const auth = bearer(getToken);
  const retry = new RetryHandler(new RetryHandlerOptions(0, retries));
  auth.setNext(retry);
  retry.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: auth, baseUrl: `${sim.url}/`, defaultVersion: 'v1.0' });
}

/** The client takes only https links as absolute: give it the path and query of the simulator's links. */
export function relative(sim: GraphSimulator, link: string): string {
  return link.startsWith(sim.url) ? link.slice(sim.url.length).replace(/^\/v1\.0/, '') : link;
}

/** A Graph client with a token issued through the simulator's own token endpoint (no MSAL). */
export async function signedIn(sim: GraphSimulator, retries = 3) {
  const back = sim.login(
    `https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize?client_id=${CLIENT_ID}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=openid%20offline_access%20Files.ReadWrite`,
  );
  const response = await fetch(`${sim.url}/consumers/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code: back.searchParams.get('code')! }),
  });
  const token = ((await response.json()) as { access_token: string }).access_token;
  return { token, client: graphClient(sim, () => token, retries) };
}

/** Follows nextLinks to the end of a round; returns every entry and the deltaLink. */
export async function deltaRound(sim: GraphSimulator, client: Client, start: string) {
  const entries: Array<Record<string, any>> = [];
  let link = start;
  let pages = 0;
  for (;;) {
    const page = await client.api(relative(sim, link)).get();
    pages++;
    entries.push(...page.value);
    if (page['@odata.nextLink'] === undefined) return { entries, deltaLink: page['@odata.deltaLink'] as string, pages };
    link = page['@odata.nextLink'];
  }
}

/** A fetch response's JSON body, loosely typed for assertions. */
export const bodyOf = async (response: Response) => (await response.json()) as Record<string, any>;
