import { DomainError, NotFoundError } from '../core/errors.js';
import { ERASED } from '../core/events.js';
import type { RecordedEvent } from '../core/envelope.js';
import { invitationDecider, type InvitationState } from '../invitation/decider.js';
import type { InvitationReason } from '../invitation/events.js';
import { portalAccessDecider, type PortalAccessState } from '../portal-access/decider.js';
import { streams } from '../streams.js';
import type { AppContext } from './context.js';
import { loadActiveClient, loadInTenant, requireFirmSide, requireMember, type ProcessCaller } from './tenant-guards.js';

export interface IssuedInvitation {
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

/**
 * Sends an invitation email to a member of a client: a fresh token whose hash goes into
 * InvitationSent (replacing any earlier token) while the raw token travels only to the delivery port.
 * The email defaults to the login email of open portal access, else the contact's first address.
 * Rerunning after a crash sends again with a new token: only the latest link works, so it converges.
 */
export async function issueInvitation(
  ctx: AppContext,
  caller: ProcessCaller,
  input: { clientId: string; contactId: string; email?: string; formId?: string; reason: InvitationReason },
): Promise<IssuedInvitation> {
  await requireFirmSide(ctx, caller);
  const request = ctx.correlate(caller);
  const client = await loadActiveClient(ctx, caller.tenantId, input.clientId);
  const member = requireMember(client, input.contactId);
  await loadInvitation(ctx, caller.tenantId, member.contactId);
  const access = await loadAccess(ctx, caller.tenantId, member.contactId);
  const openLogin = access.status === 'pending' || access.status === 'active' ? access.loginEmail : null;
  const email = input.email ?? openLogin ?? member.emails[0]!;
  if (email === ERASED) {
    throw new DomainError('personal_data.subject_forgotten', "This contact's personal data was erased; they can no longer be invited.");
  }

  const token = ctx.deps.secrets.newToken();
  const { state } = await ctx.execute(
    invitationDecider,
    streams.invitation(member.contactId),
    {
      type: 'SendInvitation',
      data: {
        clientId: client.id,
        contactId: member.contactId,
        email,
        ...(input.formId !== undefined ? { formId: input.formId } : {}),
        reason: input.reason,
        tokenHash: ctx.deps.secrets.hashToken(token),
      },
    },
    request,
  );
  if (state.status !== 'open') throw new Error('SendInvitation did not leave an open invitation.');
  await ctx.deps.invitations.deliver({
    tenantId: caller.tenantId,
    clientId: client.id,
    contactId: member.contactId,
    email: state.email,
    token,
    formId: state.formId,
    expiresAt: state.expiresAt,
    reason: input.reason,
  });
  return { contactId: member.contactId, invitationId: state.invitationId, sentAt: state.sentAt, expiresAt: state.expiresAt };
}
