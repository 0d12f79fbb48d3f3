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
import type { Actor } from '../../src/core/envelope.js';
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

/**
 * The contact of a live session: their access must be active now and not have been closed since
 * the session began (closed and reopened meanwhile — archived and restored, say — still ends it).
 * The access stream is read raw: types and instants are never encrypted.
 */
async function contactCaller(portal: Portal, credentials: Credentials, token: string, now: Date) {
  const session = await credentials.findSession(token, now);
  if (!session) return null;
  const caller = { tenantId: session.firmId, actor: { kind: 'contact', contactId: session.contactId } } as const;
  const access = await portal.access.getPortalAccess(caller, { contactId: session.contactId }).catch(() => null);
  if (access?.status === 'active' && !(await closedSince(portal, session.contactId, session.createdAt))) return caller;
  await credentials.revokeSessionsOf(session.firmId, session.contactId);
  return null;
}

/** Whether the access was closed at or after `since`: its events read newest first, back to `since`. */
async function closedSince(portal: Portal, contactId: string, since: string): Promise<boolean> {
  const stream = streams.portalAccess(contactId);
  let fromRevision: number | undefined;
  for (;;) {
    const page = await portal.log.store.readStream(stream, { direction: 'backwards', maxCount: 50, ...(fromRevision !== undefined ? { fromRevision } : {}) });
    for (const event of page) {
      if (event.metadata.occurredAt < since) return false;
      if (event.type === 'PortalAccessClosed') return true;
    }
    const oldest = page.at(-1);
    if (page.length < 50 || oldest === undefined || oldest.revision === 0) return false;
    fromRevision = oldest.revision - 1;
  }
}

export interface AuthParts {
  portal: Portal;
  credentials: Credentials;
  staffOnFirm: StaffOnFirm;
  now: () => Date;
  authenticators: readonly Authenticator[];
}

/**
 * The caller of a request, or null when it carries no credential. The built-in credentials first:
 * `cps_` staff, `cpc_` sessions (also from the cookie, which carries nothing else), and any other
 * bearer is looked up as the operator's token (PORTAL_BOOTSTRAP_TOKEN may have any form). A
 * credential nobody recognises — not the built-ins, not the host's authenticators — is a 401.
 */
export async function authenticate(c: Context, parts: AuthParts): Promise<Omit<Caller, 'correlationId'> | null> {
  const bearer = bearerOf(c);
  const cookie = getCookie(c, SESSION_COOKIE);
  const token = bearer ?? (cookie?.startsWith('cpc_') ? cookie : undefined);
  if (token !== undefined) {
    const caller = await builtIn(parts, token);
    if (caller) return caller;
    // A bearer of ours that fails is refused outright: a host's sign-in must not stand in for it.
    if (bearer !== undefined && /^cp[osc]_/.test(bearer)) throw invalid();
  }
  for (const authenticator of parts.authenticators) {
    const caller = await authenticator(c);
    if (caller) return caller;
  }
  if (token !== undefined) throw invalid();
  return null;
}

const invalid = () => unauthenticated('The token or session is not valid (expired, revoked or unknown).');

async function builtIn(parts: AuthParts, token: string): Promise<Omit<Caller, 'correlationId'> | null> {
  if (token.startsWith('cps_')) return staffCaller(parts, token);
  if (token.startsWith('cpc_')) return contactCaller(parts.portal, parts.credentials, token, parts.now());
  if (await parts.credentials.findOperator(token)) return { tenantId: PLATFORM_TENANT, actor: { kind: 'platform', operatorId: 'operator' } };
  return null;
}

/**
 * Whether the request's credential still authenticates `caller`, for a response that outlives the
 * moment it was admitted (a live stream): a revoked token, a removed staff user, a closed session,
 * or a host's sign-in now naming someone else, all say no.
 */
export async function stillAuthenticates(c: Context, parts: AuthParts, caller: Omit<Caller, 'correlationId'>): Promise<boolean> {
  let again: Omit<Caller, 'correlationId'> | null;
  try {
    again = await authenticate(c, parts);
  } catch (error) {
    if (error instanceof HttpProblem) return false;
    throw error;
  }
  return again !== null && again.tenantId === caller.tenantId && again.actor.kind === caller.actor.kind && actorId(again.actor) === actorId(caller.actor);
}

function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'staff':
      return actor.userId;
    case 'contact':
      return actor.contactId;
    case 'system':
      return actor.name;
    case 'platform':
      return actor.operatorId;
  }
}
