/** What the page routes share: the firm's look or a 404 page, form bodies, the contact signed in, and refusals as messages. */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { PortalError } from '../../../src/core/errors.js';
import type { AppEnv, RouteContext } from '../app.js';
import { HttpProblem, problemHeadersOf, problemOf } from '../problem.js';
import { messagePage, pageNotFoundMessage } from './error-pages.js';
import { lookOf, type Look } from './look.js';
import { csrfTokenOf, requireCsrf, CSRF_FIELD } from './security.js';

/** Forms are small: a password, an email, a name. */
export const FORM_BYTES = 16 * 1024;

export type PageContext = Context<AppEnv, '/portal/:firmId/*'>;

export function notFoundPage(c: Context): Response {
  return messagePage(c, null, 404, pageNotFoundMessage);
}

/** Renders a page (a JSX element) as a complete HTML document. */
export function render(c: Context, page: Child, status = 200): Response {
  return c.html(`<!DOCTYPE html>${String(page)}`, status as 200);
}

/** The firm in the path, its look and the page's CSRF token; null when there is no such firm. */
export async function pageSetup(ctx: RouteContext, c: Context<AppEnv>): Promise<{ look: Look; csrf: string } | null> {
  const look = await lookOf(ctx, c.req.param('firmId') ?? '');
  if (look === null) return null;
  return { look, csrf: csrfTokenOf(c, ctx.secureCookies) };
}

/** A body that does not parse as the form it says it is (a broken multipart body, one without its boundary). */
export const unreadableForm = () =>
  new HttpProblem('request.malformed_form', 'The form could not be read. Go back, reload the page and try again.', 400);

/** A posted form, parsed (`all`: repeated fields as lists); an unreadable one is refused with a 400. */
export async function parsedForm(c: Context<AppEnv>, all = false): Promise<Record<string, string | File | Array<string | File>>> {
  try {
    return await c.req.parseBody({ all });
  } catch {
    throw unreadableForm();
  }
}

/** A posted form's text fields, unchecked: call `formOf` unless a field is needed to word a refusal. */
export async function fieldsOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await parsedForm(c);
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

/** A posted form's text fields, after the CSRF check. */
export async function formOf(c: Context<AppEnv>): Promise<Record<string, string>> {
  const { [CSRF_FIELD]: token, ...fields } = await fieldsOf(c);
  requireCsrf(c, token);
  return fields;
}

/** Refusals of the request itself, not of what the form asked: shown on their own page (error-pages.tsx). */
const pageLevel = new Set(['request.malformed_form', 'request.too_large']);

/** A refusal of ours as the page shows it: the domain's human message and the status the API would answer. */
export function refusalOf(error: unknown): { message: string; status: number; headers: Record<string, string> } {
  if (!(error instanceof PortalError) || pageLevel.has(error.code)) throw error;
  const problem = problemOf(error);
  if (problem.status >= 500) throw error;
  const detail = problem.errors?.length ? problem.errors.map((e) => e.message).join(' ') : problem.detail;
  return { message: detail, status: problem.status, headers: problemHeadersOf(error) };
}

/** The contact signed in on this firm's portal, or null (no session, an ended one, or another firm's). */
export async function contactOn(ctx: RouteContext, c: Context<AppEnv>, firmId: string): Promise<{ tenantId: string; contactId: string } | null> {
  let caller;
  try {
    caller = await ctx.callerOf(c);
  } catch (error) {
    if (error instanceof PortalError) return null;
    throw error;
  }
  if (caller === null || caller.actor.kind !== 'contact' || caller.tenantId !== firmId) return null;
  return { tenantId: caller.tenantId, contactId: caller.actor.contactId };
}
