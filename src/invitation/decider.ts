/**
 * Invitation: one stream per invited contact (streams.invitation(contactId)); each send is an event.
 *
 * Process rules reacting to these events (application layer):
 * - InvitationSent     → mail (src/notifications): the invitation email with the link, its token derived
 *   again from the invitationId; a refusal for good comes back as RecordDeliveryFailure.
 * - InvitationAccepted → PortalAccess: ActivatePortalAccess { passwordHash } on streams.portalAccess(contactId).
 * Commands arriving from other aggregates' events:
 * - Client GuestAdded → SendInvitation { reason: 'guest_added' }; PortalAccess AccessNotificationRequested
 *   without a password → SendInvitation { reason: 'access_opened' }.
 * - Client archived / member removed → CancelInvitation. Cancelling when nothing is open is a no-op ([]),
 *   so the archive process can cancel every member's invitation blindly.
 */
import type { Decider, DecisionContext } from '../core/decider.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import { parseCommand } from '../core/validate.js';
import { acceptInvitationData, cancelInvitationData, recordDeliveryFailureData, sendInvitationData, type InvitationCommand } from './commands.js';
import type { InvitationEvent } from './events.js';

/** An invitation email is valid for 30 days from sending. */
export const INVITATION_VALIDITY_MS = 30 * 24 * 60 * 60 * 1000;

/** The latest send: only its token is accepted. */
export interface LatestInvitation {
  invitationId: string;
  contactId: string;
  clientId: string;
  email: string;
  formId: string | null;
  formName: string | null;
  tokenHash: string;
  sentAt: string;
  expiresAt: string;
  /** How many emails were sent in all. */
  sends: number;
  /** The mail server refused this send's email for good (until the next send). */
  deliveryFailure: { reason: string; failedAt: string } | null;
}

export type InvitationState =
  | { status: 'none' }
  | ({ status: 'open' } & LatestInvitation)
  | ({ status: 'accepted'; acceptedAt: string } & LatestInvitation)
  | ({ status: 'cancelled'; cancelledAt: string } & LatestInvitation);

/** True when the latest invitation can no longer be accepted because its 30 days are over. */
export function isExpired(state: { expiresAt: string }, now: Date): boolean {
  return now.getTime() >= Date.parse(state.expiresAt);
}

const alreadyAccepted = () =>
  new DomainError('invitation.already_accepted', 'This member has already accepted the invitation and set a password.');

/** The stream is the contact's: a command naming another contact was routed to the wrong stream. */
function guardContact(state: InvitationState, contactId: string): void {
  if (state.status !== 'none' && contactId !== state.contactId) {
    throw new DomainError('invitation.contact_mismatch', 'This invitation belongs to another contact.');
  }
}

function decide(command: InvitationCommand, state: InvitationState, ctx: DecisionContext): InvitationEvent[] {
  switch (command.type) {
    case 'SendInvitation': {
      const data = parseCommand(sendInvitationData, command.data);
      guardContact(state, data.contactId);
      if (state.status === 'accepted') throw alreadyAccepted();
      const sentAt = ctx.now.toISOString();
      return [
        {
          type: 'InvitationSent',
          data: {
            invitationId: data.invitationId ?? ctx.newId(),
            contactId: data.contactId,
            clientId: data.clientId,
            email: data.email,
            formId: data.formId ?? null,
            formName: data.formName ?? null,
            reason: data.reason,
            tokenHash: data.tokenHash,
            sentAt,
            expiresAt: new Date(ctx.now.getTime() + INVITATION_VALIDITY_MS).toISOString(),
          },
        },
      ];
    }
    case 'AcceptInvitation': {
      const data = parseCommand(acceptInvitationData, command.data);
      guardContact(state, data.contactId);
      if (state.status === 'none') throw new NotFoundError('invitation.not_found', 'No invitation was sent to this member.');
      if (state.status === 'accepted') throw alreadyAccepted();
      if (state.status === 'cancelled') {
        throw new DomainError('invitation.cancelled', 'This invitation was cancelled. Ask your firm to send a new one.');
      }
      if (data.tokenHash !== state.tokenHash) {
        throw new DomainError('invitation.invalid_token', 'This invitation link is not valid. Use the link in the latest email from your firm.');
      }
      if (isExpired(state, ctx.now)) {
        throw new DomainError('invitation.expired', 'This invitation has expired. Ask your firm to send a new one.');
      }
      const { invitationId, contactId, clientId } = state;
      return [
        {
          type: 'InvitationAccepted',
          data: { invitationId, contactId, clientId, passwordHash: data.passwordHash, acceptedAt: ctx.now.toISOString() },
        },
      ];
    }
    case 'CancelInvitation': {
      const data = parseCommand(cancelInvitationData, command.data);
      guardContact(state, data.contactId);
      // Nothing open (never sent, accepted, already cancelled): nothing to cancel.
      if (state.status !== 'open') return [];
      const { invitationId, contactId, clientId } = state;
      return [
        {
          type: 'InvitationCancelled',
          data: { invitationId, contactId, clientId, reason: data.reason, cancelledAt: ctx.now.toISOString() },
        },
      ];
    }
    case 'RecordDeliveryFailure': {
      const data = parseCommand(recordDeliveryFailureData, command.data);
      guardContact(state, data.contactId);
      // Only the latest send's failure matters; a later send or an acceptance made it moot.
      if (state.status !== 'open' || state.invitationId !== data.invitationId || state.deliveryFailure !== null) return [];
      const { invitationId, contactId, clientId } = state;
      return [{ type: 'InvitationDeliveryFailed', data: { invitationId, contactId, clientId, reason: data.reason, failedAt: ctx.now.toISOString() } }];
    }
  }
}

function latest(state: Exclude<InvitationState, { status: 'none' }>): LatestInvitation {
  const { invitationId, contactId, clientId, email, formId, formName, tokenHash, sentAt, expiresAt, sends, deliveryFailure } = state;
  return { invitationId, contactId, clientId, email, formId, formName, tokenHash, sentAt, expiresAt, sends, deliveryFailure };
}

function evolve(state: InvitationState, event: InvitationEvent): InvitationState {
  switch (event.type) {
    case 'InvitationSent': {
      const { invitationId, contactId, clientId, email, formId, tokenHash, sentAt, expiresAt } = event.data;
      const sends = state.status === 'none' ? 1 : state.sends + 1;
      const formName = event.data.formName ?? null;
      return { status: 'open', invitationId, contactId, clientId, email, formId, formName, tokenHash, sentAt, expiresAt, sends, deliveryFailure: null };
    }
    case 'InvitationAccepted':
      return state.status === 'none' ? state : { ...latest(state), status: 'accepted', acceptedAt: event.data.acceptedAt };
    case 'InvitationCancelled':
      return state.status === 'none' ? state : { ...latest(state), status: 'cancelled', cancelledAt: event.data.cancelledAt };
    case 'InvitationDeliveryFailed': {
      if (state.status === 'none') return state;
      const { reason, failedAt } = event.data;
      return { ...state, deliveryFailure: { reason, failedAt } };
    }
  }
}

export const invitationDecider: Decider<InvitationCommand, InvitationEvent, InvitationState> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};
