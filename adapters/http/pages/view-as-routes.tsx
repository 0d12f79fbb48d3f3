/**
 * "View as client": a staff user of the firm sees one contact's documents page read-only, now or
 * as of an instant (the read models' time travel). With a bearer token (or a host's own sign-in)
 * `GET /portal/{firmId}/view-as?contactId=…&at=…` answers at once; in a plain browser the form
 * takes the staff token and posts it (checked like a bearer, kept nowhere).
 */
import type { Context } from 'hono';
import type { Caller } from '../../../src/application/context.js';
import type { AppEnv, RouteContext } from '../app.js';
import { HttpProblem } from '../problem.js';
import { jsonBodyLimit } from '../request-input.js';
import { rowsOf, sharedFoldersOf, shownAsOf } from './document-routes.js';
import { DocumentsPage } from './documents.js';
import type { Look } from './look.js';
import { FORM_BYTES, formOf, notFoundPage, pageSetup, refusalOf, render } from './page-kit.js';
import { ViewAsForm } from './view-as.js';

const notStaff = () => new HttpProblem('auth.not_for_you', "Only the firm's staff can view the portal as a client.", 403);

/** A staff caller of this firm from a token typed into the form: the same checks as a bearer token. */
async function staffFromToken(ctx: RouteContext, c: Context<AppEnv>, firmId: string, token: string): Promise<Caller> {
  const found = token.startsWith('cps_') ? await ctx.credentials.findStaffToken(token) : null;
  if (found === null || found.firmId !== firmId) throw new HttpProblem('auth.unauthenticated', 'This staff token is not valid (expired, revoked or unknown).', 401);
  const caller = ctx.asCaller(c, { tenantId: firmId, actor: { kind: 'staff', userId: found.userId } });
  await ctx.portal.firms.getFirm(caller); // refused once the user is no longer on the firm's staff
  return caller;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The instant asked for, as the read models take it, or null for now; the future is refused (nobody saw it yet). */
function instantOf(text: string | undefined, now: Date): string | null {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return null;
  if (!INSTANT.test(trimmed) || Number.isNaN(Date.parse(trimmed))) {
    throw new HttpProblem('validation.failed', 'Give the instant as an ISO date and time with its zone, e.g. 2026-03-01T09:00:00Z.', 400);
  }
  const at = new Date(trimmed);
  if (at > now) throw new HttpProblem('validation.failed', 'That instant is in the future. Leave it empty to see the page as the contact sees it now.', 400);
  return at.toISOString();
}

export function registerViewAs(ctx: RouteContext): void {
  const { app, portal } = ctx;

  async function readOnlyPage(c: Context<AppEnv>, look: Look, csrf: string, caller: Caller, contactId: string, atText: string | undefined) {
    const at = instantOf(atText, ctx.clock.now());
    const access = await portal.access.getPortalAccess(caller, { contactId });
    const client = await portal.clients.getClient(caller, { clientId: access.clientId });
    const names = new Map(client.members.map((m) => [m.contactId, m.name]));
    const contactName = names.get(contactId) ?? 'The contact';
    const seen = await portal.audit.viewAsClient(caller, { contactId, at: at ?? ctx.clock.now().toISOString() });
    const documents = shownAsOf(look, contactId, seen, await rowsOf(ctx, look.firmId, access.clientId), names);
    return render(c, <DocumentsPage look={look} csrf={csrf} viewer={{ kind: 'staff', contactName, at }} documents={documents} sharedFolders={at === null ? sharedFoldersOf(access.sharedItems) : []} maxUploadBytes={ctx.limits.uploadBytes} />);
  }

  app.get('/portal/:firmId/view-as', async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    const contactId = c.req.query('contactId');
    try {
      const caller = contactId === undefined ? null : await ctx.callerOf(c);
      if (caller === null || contactId === undefined) return render(c, <ViewAsForm {...setup} contactId={contactId ?? ''} />);
      if (caller.actor.kind !== 'staff' || caller.tenantId !== setup.look.firmId) throw notStaff();
      return await readOnlyPage(c, setup.look, setup.csrf, ctx.asCaller(c, caller), contactId, c.req.query('at'));
    } catch (error) {
      const refused = refusalOf(error);
      return render(c, <ViewAsForm {...setup} contactId={contactId ?? ''} error={refused.message} />, refused.status);
    }
  });

  app.post('/portal/:firmId/view-as', jsonBodyLimit(FORM_BYTES), async (c) => {
    const setup = await pageSetup(ctx, c);
    if (setup === null) return notFoundPage(c);
    let fields: Record<string, string> = {};
    try {
      fields = await formOf(c);
      const caller = await staffFromToken(ctx, c, setup.look.firmId, fields.token ?? '');
      return await readOnlyPage(c, setup.look, setup.csrf, caller, fields.contactId ?? '', fields.at);
    } catch (error) {
      const refused = refusalOf(error);
      return render(c, <ViewAsForm {...setup} contactId={fields.contactId ?? ''} at={fields.at ?? ''} error={refused.message} />, refused.status);
    }
  });
}
