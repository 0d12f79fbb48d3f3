/**
 * Cross-site request forgery, for requests a browser authenticates on its own (the session
 * cookie): a write must come from this service's own pages. Browsers say where a request came
 * from in Sec-Fetch-Site and Origin; a bearer token is never sent on its own, so it needs no check.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from './auth.js';
import { HttpProblem } from './problem.js';

/**
 * Whether the request says it came from another site: Sec-Fetch-Site other than same-origin or
 * none, or an Origin naming another host. `Origin: null` (sent under `Referrer-Policy: no-referrer`
 * even by the page's own forms) counts as another site unless `nullOriginChecked`: the caller then
 * checks the page's CSRF token instead.
 */
export function fromAnotherSite(c: Context, nullOriginChecked: boolean): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  if (origin === 'null') return !nullOriginChecked;
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses (403) a write authenticated by the session cookie alone that came from another site.
 * The pages under /portal/ check their own CSRF token (security.ts) and are left to it.
 */
export const sameOriginCookieWrites: MiddlewareHandler = async (c, next) => {
  const byCookie = c.req.header('authorization') === undefined && getCookie(c, SESSION_COOKIE) !== undefined;
  if (byCookie && !SAFE.has(c.req.method) && !c.req.path.startsWith('/portal/') && fromAnotherSite(c, false)) {
    throw new HttpProblem('request.cross_site', 'This request came from another site; requests signed in with the session cookie must come from this site.', 403);
  }
  await next();
};
