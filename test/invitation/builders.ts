import type { InvitationCommand } from '../../src/invitation/commands.js';
import { INVITATION_VALIDITY_MS } from '../../src/invitation/decider.js';
import type { InvitationEvent } from '../../src/invitation/events.js';
import { testContext } from '../support/decider-spec.js';

export const contactId = 'contact-1';
export const clientId = 'client-1';
/** The instant every spec decides at (testContext's clock). */
export const now = testContext().now;

export const daysBefore = (days: number, from: Date = now) => new Date(from.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
const plus30Days = (iso: string) => new Date(Date.parse(iso) + INVITATION_VALIDITY_MS).toISOString();

type Sent = Extract<InvitationEvent, { type: 'InvitationSent' }>['data'];
type SendData = Extract<InvitationCommand, { type: 'SendInvitation' }>['data'];

export function sendInvitation(data: Partial<SendData> = {}): InvitationCommand {
  return {
    type: 'SendInvitation',
    data: { clientId, contactId, email: 'ann@example.com', reason: 'invite', tokenHash: 'hash-1', ...data },
  };
}

export function acceptInvitation(tokenHash = 'hash-1', passwordHash = 'scrypt$pw'): InvitationCommand {
  return { type: 'AcceptInvitation', data: { contactId, tokenHash, passwordHash } };
}

export function cancelInvitation(reason: 'client_archived' | 'member_removed' = 'client_archived'): InvitationCommand {
  return { type: 'CancelInvitation', data: { contactId, reason } };
}

/** An InvitationSent fact; `expiresAt` follows `sentAt` unless given. */
export function invitationSent(data: Partial<Sent> = {}): InvitationEvent {
  const sentAt = data.sentAt ?? now.toISOString();
  return {
    type: 'InvitationSent',
    data: {
      invitationId: 'id-1',
      contactId,
      clientId,
      email: 'ann@example.com',
      formId: null,
      formName: null,
      reason: 'invite',
      tokenHash: 'hash-1',
      sentAt,
      expiresAt: plus30Days(sentAt),
      ...data,
    },
  };
}

export function invitationAccepted(invitationId = 'id-1', acceptedAt = now.toISOString()): InvitationEvent {
  return { type: 'InvitationAccepted', data: { invitationId, contactId, clientId, passwordHash: 'scrypt$pw', acceptedAt } };
}

export function invitationCancelled(invitationId = 'id-1', reason: 'client_archived' | 'member_removed' = 'client_archived'): InvitationEvent {
  return { type: 'InvitationCancelled', data: { invitationId, contactId, clientId, reason, cancelledAt: now.toISOString() } };
}
