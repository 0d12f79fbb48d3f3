/**
 * What every client page answers with, and what every form post must carry.
 *
 * - Headers: a strict Content-Security-Policy (scripts, styles and images from our own origin only;
 *   no inline script or style, no framing), nosniff, no Referer (the activation and reset pages
 *   carry a token in their address), and no caching of pages that show a person's data.
 * - CSRF: a double-submit token. The first page sets a random `portal_csrf` cookie (HttpOnly,
 *   SameSite=Strict); every form carries the same value in a hidden field (scripts send it as the
 *   X-CSRF-Token header), and a post whose value does not match the cookie is refused. A post whose
 *   Origin (or Sec-Fetch-Site) says it came from another site is refused as well.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app.js';
import { HttpProblem } from '../problem.js';
import { fromAnotherSite } from '../same-origin.js';

export const CSRF_COOKIE = 'portal_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const pagePolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The security headers of every page and page asset. */
export const pageHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('content-security-policy', pagePolicy);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  c.header('x-frame-options', 'DENY');
  c.header('cross-origin-opener-policy', 'same-origin');
  if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
};

/** The request's CSRF token: the cookie's, or a new one set now (the page about to be rendered carries it). */
export function csrfTokenOf(c: Context<AppEnv>, secure: boolean): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  return rotateCsrf(c, secure);
}

/**
 * Sets a new CSRF token: when someone signs in, so a token known before (planted, or read on a
 * shared computer) is worth nothing to the session that starts.
 */
export function rotateCsrf(c: Context<AppEnv>, secure: boolean): string {
  const token = randomBytes(32).toString('base64url');
  setCookie(c, CSRF_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure, path: '/portal' });
  return token;
}

const csrfRefused = () => new HttpProblem('request.csrf', 'This form has expired or did not come from this site. Go back, reload the page and try again.', 403);

/** Refuses a post without the page's CSRF token (403), checked against the cookie in constant time. */
export function requireCsrf(c: Context<AppEnv>, submitted: unknown): void {
  const cookie = getCookie(c, CSRF_COOKIE);
  if (fromAnotherSite(c, true) || typeof submitted !== 'string' || cookie === undefined) throw csrfRefused();
  const a = Buffer.from(cookie);
  const b = Buffer.from(submitted);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw csrfRefused();
}
