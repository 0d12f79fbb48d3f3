/**
 * What a person sees when a request under `/portal/` goes wrong before or outside a page's own
 * handling (a body too large or unreadable, an unknown page, an unexpected failure): a plain page
 * in the firm's branding (unbranded when there is no such firm) with a human message, never the
 * JSON API's problem document. The upload script's requests are the exception: they read JSON.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { PortalError } from '../../../src/core/errors.js';
import type { AppEnv, RouteContext } from '../app.js';
import { internalProblem, problemOf } from '../problem.js';
import { Layout, portalPath } from './layout.js';
import { lookOf, type Look } from './look.js';

const titles: Partial<Record<number, string>> = {
  400: 'This request could not be read',
  404: 'This page does not exist',
  413: 'This is too large',
};

/** The message page: in the firm's look when there is one, else the platform's plain one. */
export function messagePage(c: Context, look: Look | null, status: number, message: string): Response {
  const title = titles[status] ?? (status >= 500 ? 'Something went wrong' : 'This cannot be done');
  const body =
    look === null ? (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{title}</title>
          <link rel="stylesheet" href="/portal-assets/portal.css" />
        </head>
        <body>
          <main id="main">
            <h1>{title}</h1>
            <p>{message}</p>
          </main>
        </body>
      </html>
    ) : (
      <Layout look={look} title={title} csrf="">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href={portalPath(look.firmId, 'documents')}>Go to your documents</a>
        </p>
      </Layout>
    );
  return c.html(`<!DOCTYPE html>${String(body)}`, status as 200);
}

export const pageNotFoundMessage = 'Check the address, or use the link in the latest email from your firm.';

/** The firm named in a `/portal/{firmId}/…` path, decoded, or null. */
function firmIdIn(path: string): string | null {
  const segment = /^\/portal\/([^/]+)/.exec(path)?.[1];
  if (segment === undefined) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

async function lookOrNull(ctx: RouteContext, c: Context): Promise<Look | null> {
  const firmId = firmIdIn(c.req.path);
  return firmId === null ? null : lookOf(ctx, firmId).catch(() => null);
}

/** The upload script's requests (one file as the body) answer JSON, which the script reads. */
export const answersJson = (c: Context) =>
  c.req.method === 'POST' && /\/documents\/upload$/.test(c.req.path) && !(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/');

/** Turns an error answer of a page route into a page (its status and headers such as Retry-After kept). */
export function pageErrors(ctx: RouteContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const error = c.error;
    if (error === undefined || answersJson(c)) return;
    const problem = error instanceof PortalError ? problemOf(error) : internalProblem;
    const message = problem.status >= 500 ? internalProblem.detail : problem.detail;
    c.res = messagePage(c, await lookOrNull(ctx, c), problem.status, message);
  };
}

/** Any other address under a firm's portal: the 404 page (not the API's JSON). */
export function registerPageNotFound(ctx: RouteContext): void {
  ctx.app.all('/portal/*', async (c) => messagePage(c, await lookOrNull(ctx, c), 404, pageNotFoundMessage));
}
