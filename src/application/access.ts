/**
 * Portal access: the firm opens, edits and closes a contact's access; the contact logs in.
 *
 * Process rules wired here:
 * - PortalAccessOpened / LoginEmailChanged with addToContactEmails → Client AddContactEmail.
 * - AccessNotificationRequested without a password → issueInvitation { reason: 'access_opened' }: the
 *   access notification IS the invitation to set a password. With a password, the mail process
 *   (src/notifications) sends "your portal access is open"; it also tells the contact when what is
 *   shared changes (SharedSelectionChanged).
 * - Closed access → logIn refused (the decider refuses RecordLogin; logIn checks before that).
 */
import { z } from 'zod';
import { DomainError, NotFoundError } from '../core/errors.js';
import { ERASED } from '../core/events.js';
import { emailInput } from '../core/email.js';
import { parseCommand } from '../core/validate.js';
import { clientDecider } from '../client/decider.js';
import { maxEmailsPerContact } from '../client/contact.js';
import type { ClientState } from '../client/state.js';
import { isExpired } from '../invitation/decider.js';
import { changeLoginEmailData, closePortalAccessData, editSharedSelectionData, openPortalAccessData, recordLoginData } from '../portal-access/commands.js';
import { portalAccessDecider, type PortalAccessState } from '../portal-access/decider.js';
import type { CloseReason, PortalAccessEvent } from '../portal-access/events.js';
import { sameSelection, type SharedItem } from '../portal-access/shared-items.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { id, parseRequest } from './input.js';
import { acceptedPasswordHash, issueInvitation, loadAccess, loadInvitation, type IssuedInvitation } from './issue-invitation.js';
import { followUp, loadActiveClient, requireFirmSide, requireMember, type ProcessCaller } from './tenant-guards.js';
import { latest, type Written } from './written.js';

/** The toggle in the contact list: off, orange (opened, waiting for the contact), green (active). */
export type AccessToggle = 'off' | 'orange' | 'green';

/** What the firm sees of a contact's portal access (never the password hash). */
export interface PortalAccessView {
  contactId: string;
  clientId: string;
  status: 'pending' | 'active' | 'closed';
  toggle: AccessToggle;
  loginEmail: string | null;
  sharedItems: SharedItem[];
  activatedAt: string | null;
  lastLoginAt: string | null;
  closedReason: CloseReason | null;
}

export function accessToggle(status: PortalAccessState['status']): AccessToggle {
  return status === 'pending' ? 'orange' : status === 'active' ? 'green' : 'off';
}

function view(state: PortalAccessState): PortalAccessView {
  if (state.status === 'none' || state.contactId === null || state.clientId === null) throw accessNotFound();
  const { contactId, clientId, status, loginEmail, sharedItems, activatedAt, lastLoginAt, closedReason } = state;
  return { contactId, clientId, status, toggle: accessToggle(status), loginEmail, sharedItems, activatedAt, lastLoginAt, closedReason };
}

/** A change of portal access (`revision`: the contact's portal access stream's) and the invitation it sent, if any. */
export type AccessChange = Written & { access: PortalAccessView; invitation: IssuedInvitation | null };

const accessNotFound = () => new NotFoundError('portal_access.not_found', 'Portal access was never opened for this contact.');
const invalidCredentials = () => new DomainError('portal_access.invalid_credentials', 'The login details are not correct.');

async function addContactEmail(ctx: AppContext, caller: ProcessCaller, clientId: string, contactId: string, email: string) {
  return ctx.execute(clientDecider, streams.client(clientId), { type: 'AddContactEmail', data: { contactId, email } }, caller);
}

/** What follow-ups did: the invitation sent, if any, and the position of the last event they appended. */
type FollowUps = { invitation: IssuedInvitation | null; position: number | null };

/** Runs the follow-ups the decided events ask for. */
async function reactTo(ctx: AppContext, caller: ProcessCaller, events: readonly PortalAccessEvent[]): Promise<FollowUps> {
  let invitation: IssuedInvitation | null = null;
  let position: number | null = null;
  for (const event of events) {
    if ((event.type === 'PortalAccessOpened' || event.type === 'LoginEmailChanged') && event.data.addToContactEmails) {
      position = (await addContactEmail(ctx, caller, event.data.clientId, event.data.contactId, event.data.loginEmail)).position;
    }
    if (event.type === 'AccessNotificationRequested' && !event.data.contactHasPassword) {
      const { clientId, contactId, email } = event.data;
      invitation = await issueInvitation(ctx, caller, { clientId, contactId, email, reason: 'access_opened' });
    }
  }
  return { invitation, position: latest(position, invitation?.position) };
}

/**
 * A repeat of a request that already went through (access open with this login email): make sure
 * its follow-ups happened instead of refusing, so a rerun after a crash half-way converges.
 */
async function completeFollowUps(
  ctx: AppContext,
  caller: ProcessCaller,
  client: ClientState,
  access: PortalAccessState & { loginEmail: string },
): Promise<FollowUps> {
  const contactId = access.contactId!;
  let position: number | null = null;
  if (!requireMember(client, contactId).emails.includes(access.loginEmail)) {
    position = (await addContactEmail(ctx, caller, client.id, contactId, access.loginEmail)).position;
  }
  if (access.status !== 'pending') return { invitation: null, position };
  const { state: invitation } = await loadInvitation(ctx, caller.tenantId, contactId);
  const linkOut = invitation.status === 'open' && invitation.email === access.loginEmail && !isExpired(invitation, ctx.deps.clock.now());
  if (linkOut) return { invitation: null, position };
  const sent = await issueInvitation(ctx, caller, { clientId: client.id, contactId, email: access.loginEmail, reason: 'access_opened' });
  return { invitation: sent, position: sent.position };
}

/** The access's stream as it stands: for a call that appended nothing to it. */
async function accessWritten(ctx: AppContext, contactId: string): Promise<Written> {
  const [last] = await ctx.log.readStream(streams.portalAccess(contactId), { direction: 'backwards', maxCount: 1 });
  return { revision: last?.revision ?? 'no_stream', position: last?.position ?? null };
}

/** A new login email must fit among the contact's addresses: refused before anything is recorded. */
function requireRoomForEmail(client: ClientState, contactId: string, email: string): void {
  const { emails } = requireMember(client, contactId);
  if (!emails.includes(email) && emails.length >= maxEmailsPerContact) {
    throw new DomainError('client.too_many_emails', `A contact can have at most ${maxEmailsPerContact} email addresses.`);
  }
}

export const openPortalAccessInput = openPortalAccessData.omit({ contactEmails: true, acceptedPasswordHash: true });

/** Opening access: the contact, the login email (omitted: the previous one, else the contact's first) and what is shared. */
export type OpenPortalAccessInput = z.input<typeof openPortalAccessInput>;

const forgotten = () =>
  new DomainError('personal_data.subject_forgotten', "This contact's personal data was erased; their portal access cannot be opened again.");

/** Without a login email: the previous one while the contact still has it, else their first address. */
function defaultLoginEmail(current: PortalAccessState, emails: readonly string[]): string {
  return current.loginEmail !== null && emails.includes(current.loginEmail) ? current.loginEmail : emails[0]!;
}

/**
 * Opens (or re-opens) access without the firm-side check: shared by the firm's "Open access" and by
 * the acceptance of an invitation for a contact whose access was never opened.
 */
export async function openAccess(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.output<typeof openPortalAccessInput>,
): Promise<AccessChange> {
  const request = ctx.correlate(caller);
  const client = await loadActiveClient(ctx, caller.tenantId, input.clientId);
  const member = requireMember(client, input.contactId);
  // Checked before the command is built, whose email schema would refuse the erased marker less clearly.
  if (member.emails.includes(ERASED)) throw forgotten();
  const current = await loadAccess(ctx, caller.tenantId, member.contactId);
  const { state: invitation, events: invitationEvents } = await loadInvitation(ctx, caller.tenantId, member.contactId);
  const data = parseCommand(openPortalAccessData, {
    ...input,
    loginEmail: input.loginEmail ?? defaultLoginEmail(current, member.emails),
    contactEmails: member.emails,
    ...(current.passwordHash === null && invitation.status === 'accepted' ? { acceptedPasswordHash: acceptedPasswordHash(invitationEvents) } : {}),
  });
  const loginEmail = data.loginEmail!;

  const isOpen = current.status === 'pending' || current.status === 'active';
  if (isOpen && current.loginEmail === loginEmail && sameSelection(current.sharedItems, data.sharedItems)) {
    const done = await completeFollowUps(ctx, followUp(request), client, { ...current, loginEmail });
    const written = await accessWritten(ctx, member.contactId);
    const access = view(await loadAccess(ctx, caller.tenantId, member.contactId));
    return { access, invitation: done.invitation, revision: written.revision, position: latest(written.position, done.position) };
  }
  if (!isOpen) requireRoomForEmail(client, member.contactId, loginEmail);
  const opened = await ctx.execute(portalAccessDecider, streams.portalAccess(member.contactId), { type: 'OpenPortalAccess', data }, request);
  const done = await reactTo(ctx, followUp(request), opened.events);
  return { access: view(opened.state), invitation: done.invitation, revision: opened.nextExpectedRevision, position: latest(opened.position, done.position) };
}

/** The firm opens a contact's portal access with a login email and what is shared with them. */
export async function openPortalAccess(
  ctx: AppContext,
  caller: ProcessCaller,
  input: OpenPortalAccessInput,
): Promise<AccessChange> {
  const data = parseRequest(caller, openPortalAccessInput, input);
  await requireFirmSide(ctx, caller);
  return openAccess(ctx, caller, data);
}

/** The firm changes which folders and documents the contact sees; the contact is told (the access notification). */
export async function changeSharedSelection(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof editSharedSelectionData>,
): Promise<Written & { access: PortalAccessView }> {
  const data = parseRequest(caller, editSharedSelectionData, input);
  await requireFirmSide(ctx, caller);
  if ((await loadAccess(ctx, caller.tenantId, data.contactId)).status === 'none') throw accessNotFound();
  // The contact is told by the mail process, once per change: a save that changes nothing records nothing.
  const { state, nextExpectedRevision, position } = await ctx.execute(
    portalAccessDecider,
    streams.portalAccess(data.contactId),
    { type: 'EditSharedSelection', data },
    ctx.correlate(caller),
  );
  return { access: view(state), revision: nextExpectedRevision, position };
}

export const changeLoginEmailInput = changeLoginEmailData.omit({ contactEmails: true });

/** The firm changes the login email; while not activated, the invitation goes again to the new address. */
export async function changeLoginEmail(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof changeLoginEmailInput>,
): Promise<AccessChange> {
  const { contactId, loginEmail } = parseRequest(caller, changeLoginEmailInput, input);
  await requireFirmSide(ctx, caller);
  const request = ctx.correlate(caller);
  const current = await loadAccess(ctx, caller.tenantId, contactId);
  if (current.status === 'none' || current.clientId === null) throw accessNotFound();
  const client = await loadActiveClient(ctx, caller.tenantId, current.clientId);
  const member = requireMember(client, contactId);
  // As in openAccess: the command's email schema would refuse the erased marker less clearly.
  if (member.emails.includes(ERASED)) throw forgotten();
  const data = parseCommand(changeLoginEmailData, { contactId, loginEmail, contactEmails: member.emails });
  requireRoomForEmail(client, member.contactId, data.loginEmail);
  const changed = await ctx.execute(portalAccessDecider, streams.portalAccess(member.contactId), { type: 'ChangeLoginEmail', data }, request);
  const done =
    changed.events.length > 0
      ? await reactTo(ctx, followUp(request), changed.events)
      : await completeFollowUps(ctx, followUp(request), client, { ...changed.state, loginEmail: data.loginEmail });
  const access = view(await loadAccess(ctx, caller.tenantId, member.contactId));
  return { access, invitation: done.invitation, revision: changed.nextExpectedRevision, position: latest(changed.position, done.position) };
}

/** The ways the firm closes access itself; the other close reasons are recorded only by the processes. */
export const closePortalAccessInput = closePortalAccessData.extend({ via: closePortalAccessData.shape.via.extract(['access_window', 'toggle']) });

/**
 * The firm closes access, one of two ways: 'access_window' ("Close access to the portal" in the
 * access window) or 'toggle' (unchecking "Access to the portal" in the contact list).
 */
export async function closePortalAccess(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof closePortalAccessInput>): Promise<AccessClosing> {
  return closeAccess(ctx, caller, parseRequest(caller, closePortalAccessInput, input));
}

/** `revision`: the contact's portal access stream's; `changed` is false when access was not open (an automatic reason). */
export type AccessClosing = Written & { contactId: string; changed: boolean };

/**
 * Closes access for any reason, the automatic ones included: 'client_archived' (archiving the
 * client) and 'contact_forgotten' (erasing the contact), which are no-ops when access is not open.
 * For the application's own processes; the firm's call is closePortalAccess.
 */
export async function closeAccess(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof closePortalAccessData>): Promise<AccessClosing> {
  const data = parseRequest(caller, closePortalAccessData, input);
  await requireFirmSide(ctx, caller);
  const current = await loadAccess(ctx, caller.tenantId, data.contactId);
  const automatic = data.via === 'client_archived' || data.via === 'contact_forgotten';
  if (current.status === 'none' && !automatic) throw accessNotFound();
  const result = await ctx.execute(portalAccessDecider, streams.portalAccess(data.contactId), { type: 'ClosePortalAccess', data }, ctx.correlate(caller));
  return { contactId: data.contactId, changed: result.events.length > 0, revision: result.nextExpectedRevision, position: result.position };
}

export const logInInput = recordLoginData
  .pick({ ipAddress: true, userAgent: true })
  .extend({
    tenantId: id,
    /** Either the contact (as the emailed link names them) or the login email they type: exactly one. */
    contactId: id.optional(),
    loginEmail: emailInput.optional(),
    // Longer than any password acceptInvitation lets a contact set: refused before paying for a hash.
    password: z.string().min(1).max(1000),
  })
  .refine((input) => (input.contactId === undefined) !== (input.loginEmail === undefined), {
    message: 'give either contactId or loginEmail, not both',
    path: ['loginEmail'],
  });

/**
 * What a password is checked against when nobody matches: an scrypt hash of a password nobody
 * has, with the same cost as real ones, so an unknown login answers as late as a wrong password.
 */
const DUMMY_PASSWORD_HASH =
  'scrypt$16384$8$1$KK9KcIvyWgHvHZdEMfXqLA$fDGNVD8ZYY7cY_g4OtQNAMNYFYQ2UZ6luWjjfFtVwKSKJdFqgzmNy6_Kaz78Qf2drDUwU7-HZVk7h8LjpkDZmQ';

async function accessOrNull(ctx: AppContext, tenantId: string, contactId: string): Promise<PortalAccessState | null> {
  try {
    return await loadAccess(ctx, tenantId, contactId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/**
 * The contact whose password this is: by id, or among the firm's contacts with this login email
 * (the client list read model finds them; each one's own stream confirms the email and holds the
 * hash). Several contacts may share an email (a family's members): the one whose password matches.
 */
async function authenticate(
  ctx: AppContext,
  tenantId: string,
  who: { contactId?: string; loginEmail?: string },
  password: string,
): Promise<{ contactId: string; access: PortalAccessState } | null> {
  const candidates =
    who.contactId !== undefined
      ? [who.contactId]
      : (await (await ctx.views()).clientList.contactsByLoginEmail(tenantId, who.loginEmail!)).map((c) => c.contactId);
  let checked = false;
  for (const contactId of candidates) {
    const access = await accessOrNull(ctx, tenantId, contactId);
    if (access === null || access.passwordHash === null) continue;
    if (who.loginEmail !== undefined && access.loginEmail?.toLowerCase() !== who.loginEmail.toLowerCase()) continue;
    checked = true;
    if (await ctx.deps.secrets.verifyPassword(password, access.passwordHash)) return { contactId, access };
  }
  if (!checked) await ctx.deps.secrets.verifyPassword(password, DUMMY_PASSWORD_HASH);
  return null;
}

/**
 * A contact logs in with their password, naming themselves by contact id or by login email. The
 * password is checked first, so a wrong password reads the same whether the access exists, is
 * pending or is closed, and an unknown email costs one hash like a wrong password; a right password
 * on closed access is refused with 'portal_access.closed'. Failed attempts are not recorded (no
 * event for them yet).
 */
export async function logIn(
  ctx: AppContext,
  input: z.input<typeof logInInput>,
): Promise<Written & { contactId: string; clientId: string; lastLoginAt: string }> {
  const { tenantId, contactId: byId, loginEmail, password, ipAddress, userAgent } = parseCommand(logInInput, input);
  const found = await authenticate(ctx, tenantId, { ...(byId !== undefined ? { contactId: byId } : {}), ...(loginEmail !== undefined ? { loginEmail } : {}) }, password);
  if (found === null) throw invalidCredentials();
  const { contactId, access } = found;
  if (access.status === 'closed') throw new DomainError('portal_access.closed', 'Portal access for this contact is closed.');
  const caller: Caller = { tenantId, actor: { kind: 'contact', contactId } };
  const { state, nextExpectedRevision, position } = await ctx.execute(
    portalAccessDecider,
    streams.portalAccess(contactId),
    {
      type: 'RecordLogin',
      data: { contactId, ...(ipAddress !== undefined ? { ipAddress } : {}), ...(userAgent !== undefined ? { userAgent } : {}) },
    },
    ctx.correlate(caller),
  );
  return { contactId, clientId: state.clientId!, lastLoginAt: state.lastLoginAt!, revision: nextExpectedRevision, position };
}

export const getPortalAccessInput = z.strictObject({ contactId: id });

/** A contact's portal access with its toggle colour; the firm sees any of its contacts', a contact only their own. */
export async function getPortalAccess(ctx: AppContext, caller: Caller, input: z.input<typeof getPortalAccessInput>): Promise<PortalAccessView> {
  const { contactId } = parseRequest(caller, getPortalAccessInput, input);
  if (caller.actor.kind === 'contact' && caller.actor.contactId !== contactId) throw accessNotFound();
  return view(await loadAccess(ctx, caller.tenantId, contactId));
}
