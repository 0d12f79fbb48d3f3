import { z } from 'zod';
import { emailInput } from '../core/email.js';
import { MAX_EMAIL_LENGTH, plainText } from '../core/limits.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import { ERASED } from '../core/events.js';
import type { RecordedEvent } from '../core/envelope.js';
import { invitationDecider, type InvitationState } from '../invitation/decider.js';
import { sendInvitationData } from '../invitation/commands.js';
import { portalAccessDecider, type PortalAccessState } from '../portal-access/decider.js';
import { streams } from '../streams.js';
import type { AppContext } from './context.js';
import { parseRequest } from './input.js';
import { loadActiveClient, loadInTenant, requireFirmSide, requireMember, type ProcessCaller } from './tenant-guards.js';
import type { Written } from './written.js';

/** An invitation sent (`revision`: the contact's invitation stream's). */
export interface IssuedInvitation extends Written {
  contactId: string;
  invitationId: string;
  sentAt: string;
  expiresAt: string;
}

const invitationNotFound = () => new NotFoundError('invitation.not_found', 'No invitation was sent to this member.');
const accessNotFound = () => new NotFoundError('portal_access.not_found', 'Portal access was never opened for this contact.');

/** The contact's invitation stream, inside the tenant ({ status: 'none' } when never sent). */
export async function loadInvitation(
  ctx: AppContext,
  tenantId: string,
  contactId: string,
): Promise<{ state: InvitationState; events: RecordedEvent[] }> {
  return loadInTenant(ctx, invitationDecider, streams.invitation(contactId), tenantId, invitationNotFound);
}

/** The contact's portal access, inside the tenant ({ status: 'none' } when never opened). */
export async function loadAccess(ctx: AppContext, tenantId: string, contactId: string): Promise<PortalAccessState> {
  return (await loadInTenant(ctx, portalAccessDecider, streams.portalAccess(contactId), tenantId, accessNotFound)).state;
}

/** The password hash the contact set by accepting an invitation, if they did (the state keeps only the status). */
export function acceptedPasswordHash(invitationEvents: readonly RecordedEvent[]): string | undefined {
  const accepted = invitationEvents.filter((e) => e.type === 'InvitationAccepted').at(-1);
  return accepted ? (accepted.data as { passwordHash: string }).passwordHash : undefined;
}

const invitationRequest = sendInvitationData.pick({ clientId: true, contactId: true, formId: true, formName: true, reason: true }).extend({
  /** One of the member's addresses. Omitted: see issueInvitation. */
  email: emailInput.optional(),
  /** Where the previous invitation went: the default after the open login email, while the member still has it. */
  previousEmail: plainText(MAX_EMAIL_LENGTH).optional(),
});

export type InvitationRequest = z.input<typeof invitationRequest>;

/** The link's token for one send: derivable again from the send's id, only with the server's key. */
export function invitationToken(ctx: AppContext, invitationId: string): string {
  return ctx.deps.secrets.deriveToken('invitation', invitationId);
}

/**
 * Sends an invitation email to a member of a client: a new send whose token (derived from the
 * send's id) replaces any earlier one. InvitationSent keeps only the token's hash; the mail process
 * derives the token again to put the link in the email.
 * The email must be one of the member's addresses; it defaults to the login email of open portal
 * access, else the previous invitation's address, else the contact's first address.
 * Rerunning after a crash sends again with a new token: only the latest link works, so it converges.
 * A form's name without its id is ignored: the email names a form only when one is attached.
 */
export async function issueInvitation(ctx: AppContext, caller: ProcessCaller, asked: InvitationRequest): Promise<IssuedInvitation> {
  const input = parseRequest(caller, invitationRequest, asked);
  await requireFirmSide(ctx, caller);
  const request = ctx.correlate(caller);
  const client = await loadActiveClient(ctx, caller.tenantId, input.clientId);
  const member = requireMember(client, input.contactId);
  if (member.emails.includes(ERASED)) {
    throw new DomainError('personal_data.subject_forgotten', "This contact's personal data was erased; they can no longer be invited.");
  }
  await loadInvitation(ctx, caller.tenantId, member.contactId);
  const access = await loadAccess(ctx, caller.tenantId, member.contactId);
  const openLogin = access.status === 'pending' || access.status === 'active' ? access.loginEmail : null;
  const previous = input.previousEmail !== undefined && member.emails.includes(input.previousEmail) ? input.previousEmail : null;
  const email = input.email ?? openLogin ?? previous ?? member.emails[0]!;
  if (!member.emails.includes(email)) {
    throw new DomainError(
      'invitation.email_not_of_contact',
      "This address is not one of the contact's email addresses. Add the address to the contact first, then send the invitation.",
    );
  }

  const invitationId = ctx.deps.ids.newId();
  const { state, nextExpectedRevision, position } = await ctx.execute(
    invitationDecider,
    streams.invitation(member.contactId),
    {
      type: 'SendInvitation',
      data: {
        clientId: client.id,
        contactId: member.contactId,
        email,
        ...(input.formId !== undefined ? { formId: input.formId, ...(input.formName !== undefined ? { formName: input.formName } : {}) } : {}),
        reason: input.reason,
        invitationId,
        tokenHash: ctx.deps.secrets.hashToken(invitationToken(ctx, invitationId)),
      },
    },
    request,
  );
  if (state.status !== 'open') throw new Error('SendInvitation did not leave an open invitation.');
  return {
    contactId: member.contactId,
    invitationId: state.invitationId,
    sentAt: state.sentAt,
    expiresAt: state.expiresAt,
    revision: nextExpectedRevision,
    position,
  };
}
