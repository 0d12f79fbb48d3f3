import type { Accounts } from './accounts.js';
import { readBody, route, send, sendJson, type Route } from './http-kit.js';

const TENANT = '(?:consumers|common|organizations|[0-9a-fA-F-]{36})';

/** The Microsoft identity platform's authorize and token endpoints, for MSAL through its network client. */
export function loginRoutes(accounts: Accounts): Route[] {
  return [
    route('GET', new RegExp(`^/${TENANT}/oauth2/v2\\.0/authorize$`), 'authorize', (ex) => {
      const answer = accounts.authorize(ex.url.searchParams);
      if (answer.location !== undefined) return send(ex, answer.status, { location: answer.location });
      send(ex, answer.status, { 'content-type': 'text/plain; charset=utf-8' }, answer.text ?? '');
    }),
    route('POST', new RegExp(`^/${TENANT}/oauth2/v2\\.0/token$`), 'token', async (ex) => {
      const form = new URLSearchParams((await readBody(ex)).toString('utf8'));
      const answer = accounts.token(form);
      sendJson(ex, answer.status, answer.json, { 'cache-control': 'no-store', pragma: 'no-cache' });
    }),
  ];
}
