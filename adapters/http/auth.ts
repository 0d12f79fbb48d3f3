/**
 * Who is asking. The bearer token's prefix says which kind it is (operator `cpo_`, staff `cps_`,
 * client session `cpc_`); a client's browser sends its session as a cookie instead. A host plugs in
 * its own sign-in as an extra authenticator. Each credential is checked against the portal too:
 * a removed staff user's tokens and a closed or forgotten contact's sessions stop at once.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Caller } from '../../src/application/context.js';
import type { Portal } from '../../src/application/portal.js';
import { streams } from '../../src/streams.js';
import type { Credentials } from './credentials/credentials.js';
import { HttpProblem } from './problem.js';

/** A host's own sign-in: the caller of a request it recognises, else null (the next one is asked). */
export type Authenticator = (c: Context) => Promise<Omit<Caller, 'correlationId'> | null>;

export const SESSION_COOKIE = 'portal_session';
export const PLATFORM_TENANT = 'platform';

export function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return match[1];
}

export const unauthenticated = (detail = 'Sign in first: send a bearer token or the session cookie.') =>
  new HttpProblem('auth.unauthenticated', detail, 401, { 'www-authenticate': 'Bearer' });

/**
 * Staff users found on their firm's staff, with the revision of the firm's stream they were found
 * at. Only that stream changes the staff list, so while its last revision stands the answer does:
 * a request reads one stored revision instead of folding (and decrypting) the firm twice. A user
 * removed since appends to the stream, so their next request is checked again, and refused.
 */
export class StaffOnFirm {
  private readonly found = new Map<string, number>();

  constructor(private readonly maxEntries = 10_000) {}

  async check(portal: Portal, caller: { tenantId: string; actor: { kind: 'staff'; userId: string } }): Promise<boolean> {
    // Read before the check: a change in between leaves an older revision here, so it is checked again.
    const [last] = await portal.log.store.readStream(streams.firm(caller.tenantId), { direction: 'backwards', maxCount: 1 });
    if (last === undefined) return false;
    const key = `${caller.tenantId}\n${caller.actor.userId}`;
    if (this.found.get(key) === last.revision) return true;
    try {
      await portal.firms.getFirm(caller); // refused once the user is no longer on the firm's staff
    } catch {
      this.found.delete(key);
      return false;
    }
    if (this.found.size >= this.maxEntries) this.found.clear();
    this.found.set(key, last.revision);
    return true;
  }
}

async function staffCaller(parts: AuthParts, token: string) {
  const found = await parts.credentials.findStaffToken(token);
  if (!found) return null;
  const caller = { tenantId: found.firmId, actor: { kind: 'staff', userId: found.userId } } as const;
  return (await parts.staffOnFirm.check(parts.portal, caller)) ? caller : null;
}

/** The contact of a live session: their access must still be active. */
async function contactCaller(portal: Portal, credentials: Credentials, token: string, now: Date) {
  const session = await credentials.findSession(token, now);
  if (!session) return null;
  const caller = { tenantId: session.firmId, actor: { kind: 'contact', contactId: session.contactId } } as const;
  const access = await portal.access.getPortalAccess(caller, { contactId: session.contactId }).catch(() => null);
  if (access?.status === 'active') return caller;
  await credentials.revokeSessionsOf(session.firmId, session.contactId);
  return null;
}

export interface AuthParts {
  portal: Portal;
  credentials: Credentials;
  staffOnFirm: StaffOnFirm;
  now: () => Date;
  authenticators: readonly Authenticator[];
}

/** The caller of a request, or null when it carries no credential; a credential that fails is a 401. */
export async function authenticate(c: Context, parts: AuthParts): Promise<Omit<Caller, 'correlationId'> | null> {
  const bearer = bearerOf(c);
  const token = bearer ?? getCookie(c, SESSION_COOKIE);
  if (token !== undefined) {
    let caller: Omit<Caller, 'correlationId'> | null = null;
    if (token.startsWith('cpo_')) {
      if (await parts.credentials.findOperator(token)) caller = { tenantId: PLATFORM_TENANT, actor: { kind: 'platform', operatorId: 'operator' } };
    } else if (token.startsWith('cps_')) {
      caller = await staffCaller(parts, token);
    } else if (token.startsWith('cpc_')) {
      caller = await contactCaller(parts.portal, parts.credentials, token, parts.now());
    }
    if (caller) return caller;
    if (bearer !== undefined || parts.authenticators.length === 0) throw unauthenticated('The token or session is not valid (expired, revoked or unknown).');
  }
  for (const authenticator of parts.authenticators) {
    const caller = await authenticator(c);
    if (caller) return caller;
  }
  return null;
}
