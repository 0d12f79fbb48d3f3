/**
 * Invitations: the firm invites members to set a password; the member accepts from the emailed link.
 *
 * Process rules wired here:
 * - InvitationSent → the delivery port gets the raw token (issueInvitation); events hold only its hash.
 * - InvitationAccepted → ActivatePortalAccess: see accept-invitation.ts (re-exported here).
 * - Client archived / member removed → cancelInvitation (a no-op when nothing is open).
 */
import { z } from 'zod';
import { DomainError, NotFoundError } from '../core/errors.js';
import { emailInput } from '../core/email.js';
import { listOf, MAX_BULK_ITEMS } from '../core/limits.js';
import { cancelInvitationData, sendInvitationData } from '../invitation/commands.js';
import { invitationDecider } from '../invitation/decider.js';
import { describeStatus, memberActivationStatus, type MemberActivationStatus } from '../invitation/status.js';
import type { MemberRole } from '../client/events.js';
import { ownersOf } from '../client/state.js';
import { streams } from '../streams.js';
import { attempt, type ItemError } from './batch.js';
import type { AppContext, Caller } from './context.js';
import { id, parseRequest } from './input.js';
import { issueInvitation, loadAccess, loadInvitation, type IssuedInvitation } from './issue-invitation.js';
import { loadActiveClient, loadClient, requireFirmSide, type ProcessCaller } from './tenant-guards.js';
import { latest, type Written } from './written.js';

export { issueInvitation, type IssuedInvitation } from './issue-invitation.js';
export { acceptInvitation, checkInvitationLink, MIN_PASSWORD_LENGTH, type AcceptedInvitation } from './accept-invitation.js';
export type { ItemError } from './batch.js';

export type ContactInvitationResult =
  | { contactId: string; ok: true; invitation: IssuedInvitation }
  | { contactId: string; ok: false; error: ItemError };

export type ClientInvitationResult =
  | { clientId: string; ok: true; invitations: ContactInvitationResult[] }
  | { clientId: string; ok: false; error: ItemError };

/** A bulk call's outcome: one result per item, and the position of the last event appended (null: none). */
export interface BulkResult<R> {
  results: R[];
  position: number | null;
}

/** The last position among the invitations sent. */
const lastSent = (results: readonly ContactInvitationResult[]) => latest(...results.map((r) => (r.ok ? r.invitation.position : null)));

/** The digital form sent along, if any: its id and the name the email shows. */
type FormFields = { formId?: string | undefined; formName?: string | undefined };

/** Only what is set, for the exact optional fields of the invitation request. */
function formOf({ formId, formName }: FormFields): { formId?: string; formName?: string } {
  if (formId === undefined) return {};
  return formName === undefined ? { formId } : { formId, formName };
}

export const inviteMemberInput = sendInvitationData.pick({ clientId: true, contactId: true, formId: true, formName: true }).extend({ email: emailInput.optional() });

/**
 * "Send invite" for one member, optionally with a digital form ("…send a digital form with the
 * invitation"). The email, when given, must be one of the member's addresses.
 */
export async function inviteMember(ctx: AppContext, caller: ProcessCaller, input: z.input<typeof inviteMemberInput>): Promise<IssuedInvitation> {
  const data = parseRequest(caller, inviteMemberInput, input);
  return issueInvitation(ctx, caller, { ...data, reason: 'invite' });
}

export const inviteOwnersInput = sendInvitationData.pick({ clientId: true, formId: true, formName: true });

/** Invites every owner of a client (all co-owners of a group at once); one result per owner. */
export async function inviteOwners(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof inviteOwnersInput>,
): Promise<BulkResult<ContactInvitationResult>> {
  const { clientId, ...form } = parseRequest(caller, inviteOwnersInput, input);
  await requireFirmSide(ctx, caller);
  const request = ctx.correlate(caller);
  const client = await loadActiveClient(ctx, caller.tenantId, clientId);
  const results: ContactInvitationResult[] = [];
  for (const owner of ownersOf(client)) {
    const outcome = await attempt(() =>
      issueInvitation(ctx, request, { clientId: client.id, contactId: owner.contactId, reason: 'invite', ...formOf(form) }),
    );
    results.push(outcome.ok ? { contactId: owner.contactId, ok: true, invitation: outcome.value } : { contactId: owner.contactId, ok: false, error: outcome.error });
  }
  return { results, position: lastSent(results) };
}

export const inviteInBulkInput = sendInvitationData.pick({ formId: true, formName: true }).extend({ clientIds: listOf(id, MAX_BULK_ITEMS, 'client ids') });

/**
 * Bulk "Send invite" from the client list: each client's owners, once per client however often it
 * is listed (a second send would kill the first link); a failure on one client leaves the others invited.
 */
export async function inviteInBulk(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof inviteInBulkInput>,
): Promise<BulkResult<ClientInvitationResult>> {
  const { clientIds, ...form } = parseRequest(caller, inviteInBulkInput, input);
  await requireFirmSide(ctx, caller);
  const request = ctx.correlate(caller);
  const results: ClientInvitationResult[] = [];
  let position: number | null = null;
  for (const clientId of new Set(clientIds)) {
    const outcome = await attempt(() => inviteOwners(ctx, request, { clientId, ...formOf(form) }));
    results.push(outcome.ok ? { clientId, ok: true, invitations: outcome.value.results } : { clientId, ok: false, error: outcome.error });
    if (outcome.ok) position = latest(position, outcome.value.position);
  }
  return { results, position };
}

export const resendInvitationInput = inviteMemberInput.omit({ clientId: true });

/**
 * "Send invite again": a new email with a new token, which replaces (invalidates) the previous one.
 * Goes to the previous invitation's client, to the login email when access is open, else to the
 * previous address while the member still has it (else their first address), unless told otherwise.
 */
export async function resendInvitation(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof resendInvitationInput>,
): Promise<IssuedInvitation> {
  const data = parseRequest(caller, resendInvitationInput, input);
  await requireFirmSide(ctx, caller);
  const { state: previous } = await loadInvitation(ctx, caller.tenantId, data.contactId);
  if (previous.status === 'none') throw new NotFoundError('invitation.not_found', 'No invitation was sent to this member.');
  // Without a form named, the resend carries the previous one's.
  const form = data.formId !== undefined ? formOf(data) : formOf({ formId: previous.formId ?? undefined, formName: previous.formName ?? undefined });
  return issueInvitation(ctx, caller, {
    clientId: previous.clientId,
    contactId: data.contactId,
    ...(data.email !== undefined ? { email: data.email } : {}),
    previousEmail: previous.email,
    ...form,
    reason: 'resend',
  });
}

/**
 * The API's cancel. A firm withdraws an invitation with 'withdrawn_by_firm' (the emailed link stops
 * working); the automatic reasons (the client archived, the member removed, the contact's data
 * erased) only the portal's own processes record — a system actor — so the audit trail never shows
 * a false cause (closePortalAccess refuses the automatic close reasons likewise).
 */
export async function cancelInvitation(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof cancelInvitationData>,
): Promise<Written & { contactId: string; changed: boolean }> {
  const data = parseRequest(caller, cancelInvitationData, input);
  if (data.reason !== 'withdrawn_by_firm' && caller.actor.kind !== 'system') {
    throw new DomainError(
      'invitation.reason_for_processes_only',
      "Only the portal's own processes cancel an invitation for this reason: archiving the client, removing the member or erasing the contact's data does it.",
    );
  }
  return cancelOpenInvitation(ctx, caller, data);
}

/**
 * Cancels the contact's open invitation (`revision`: the invitation stream's); a no-op when nothing
 * is open. For the process rules, whose caller is the staff user whose request caused them.
 */
export async function cancelOpenInvitation(
  ctx: AppContext,
  caller: ProcessCaller,
  input: z.input<typeof cancelInvitationData>,
): Promise<Written & { contactId: string; changed: boolean }> {
  const data = parseRequest(caller, cancelInvitationData, input);
  await requireFirmSide(ctx, caller);
  const { state, events } = await loadInvitation(ctx, caller.tenantId, data.contactId);
  if (state.status !== 'open') {
    return { contactId: data.contactId, changed: false, revision: events.at(-1)?.revision ?? 'no_stream', position: events.at(-1)?.position ?? null };
  }
  const result = await ctx.execute(invitationDecider, streams.invitation(data.contactId), { type: 'CancelInvitation', data }, ctx.correlate(caller));
  return { contactId: data.contactId, changed: result.events.length > 0, revision: result.nextExpectedRevision, position: result.position };
}

export interface MemberStatus {
  contactId: string;
  status: MemberActivationStatus;
  /** The client list's wording, e.g. "Waiting for member to accept invitation (sent 2026-01-15)". */
  text: string;
}

async function statusOf(ctx: AppContext, tenantId: string, contactId: string): Promise<MemberStatus> {
  const { state: invitation } = await loadInvitation(ctx, tenantId, contactId);
  const access = await loadAccess(ctx, tenantId, contactId);
  const status = memberActivationStatus(invitation, access, ctx.deps.clock.now());
  return { contactId, status, text: describeStatus(status) };
}

export const memberStatusInput = z.strictObject({ clientId: id, contactId: id });

/** Anyone but a current member of this firm's client: one answer, whether the contact is made up or another firm's. */
const memberNotFound = () => new NotFoundError('client.member_not_found', 'This contact is not a member of the client.');

/**
 * One member's activation status as the client list shows it. The contact must be a member of the
 * firm's client: a made-up contact and another firm's read alike (not found), so nothing about
 * another firm's invitations shows.
 */
export async function memberStatus(ctx: AppContext, caller: Caller, input: z.input<typeof memberStatusInput>): Promise<MemberStatus> {
  const { clientId, contactId } = parseRequest(caller, memberStatusInput, input);
  await requireFirmSide(ctx, caller);
  const client = await loadClient(ctx, caller.tenantId, clientId);
  if (!client.members.some((m) => m.contactId === contactId)) throw memberNotFound();
  return statusOf(ctx, caller.tenantId, contactId);
}

export const clientMemberStatusesInput = z.strictObject({ clientId: id });

/** Every member's activation status, owners first, then guests. */
export async function clientMemberStatuses(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof clientMemberStatusesInput>,
): Promise<Array<MemberStatus & { name: string; role: MemberRole }>> {
  const { clientId } = parseRequest(caller, clientMemberStatusesInput, input);
  await requireFirmSide(ctx, caller);
  const client = await loadClient(ctx, caller.tenantId, clientId);
  const out: Array<MemberStatus & { name: string; role: MemberRole }> = [];
  for (const member of client.members) out.push({ ...(await statusOf(ctx, caller.tenantId, member.contactId)), name: member.name, role: member.role });
  return out;
}

