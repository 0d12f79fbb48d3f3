import { z } from 'zod';
import { defineEvent, personal, type EventsOf } from '../core/events.js';

/** Why an invitation email went out; the wording of the email follows it. */
export const invitationReasons = ['invite', 'guest_added', 'resend', 'access_opened'] as const;
export type InvitationReason = (typeof invitationReasons)[number];

/** Why open invitations were cancelled. */
/** Why an invitation was cancelled: the firm withdrew it, or a process rule did (the other three). */
export const invitationCancelReasons = ['withdrawn_by_firm', 'client_archived', 'member_removed', 'contact_forgotten'] as const;
export type InvitationCancelReason = (typeof invitationCancelReasons)[number];

const ids = { invitationId: z.string().min(1), contactId: z.string().min(1), clientId: z.string().min(1) };

/** One email sent: a fresh token (only its hash is kept) that replaces any earlier one. */
export const invitationSent = defineEvent({
  type: 'InvitationSent',
  version: 1,
  schema: z.object({
    ...ids,
    email: personal(z.email()),
    formId: z.string().min(1).nullable(),
    /** Absent in events written before forms had names in the email. */
    formName: z.string().nullable().optional(),
    reason: z.enum(invitationReasons),
    tokenHash: z.string().min(1),
    sentAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  }),
  personal: [{ subject: 'contactId', fields: ['email'] }],
});

/** The member set a password with the latest token (only the scrypt hash is kept). */
export const invitationAccepted = defineEvent({
  type: 'InvitationAccepted',
  version: 1,
  schema: z.object({ ...ids, passwordHash: z.string().min(1), acceptedAt: z.iso.datetime() }),
});

/** The open invitation can no longer be accepted (client archived, member removed). */
export const invitationCancelled = defineEvent({
  type: 'InvitationCancelled',
  version: 1,
  schema: z.object({ ...ids, reason: z.enum(invitationCancelReasons), cancelledAt: z.iso.datetime() }),
});

/**
 * The mail server refused this send's email for good: the client list shows it until the next send.
 * `reason` is the server's answer (never the link).
 */
export const invitationDeliveryFailed = defineEvent({
  type: 'InvitationDeliveryFailed',
  version: 1,
  schema: z.object({ ...ids, reason: z.string().min(1), failedAt: z.iso.datetime() }),
});

export const invitationEvents = [invitationSent, invitationAccepted, invitationCancelled, invitationDeliveryFailed] as const;
export type InvitationEvent = EventsOf<typeof invitationEvents>;
