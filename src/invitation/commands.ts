import { z } from 'zod';
import { idOf } from '../core/limits.js';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import { invitationCancelReasons, invitationReasons } from './events.js';

const id = idOf();

/** Send (or resend) the invitation email to one member of a client. */
export const sendInvitationData = z.strictObject({
  clientId: id,
  contactId: id,
  email: emailInput,
  /** A digital form sent along with the invitation. */
  formId: id.optional(),
  reason: z.enum(invitationReasons),
  /** Hash of the fresh token (Secrets port); the raw token only ever travels in the email. */
  tokenHash: z.string().min(1),
});

/** The member follows the emailed link and sets a password. */
export const acceptInvitationData = z.strictObject({
  contactId: id,
  tokenHash: z.string().min(1),
  /** scrypt hash made by the application; never the password itself. */
  passwordHash: z.string().min(1),
});

export const cancelInvitationData = z.strictObject({ contactId: id, reason: z.enum(invitationCancelReasons) });

export const invitationCommandSchema = z.discriminatedUnion('type', [
  commandSchema('SendInvitation', sendInvitationData),
  commandSchema('AcceptInvitation', acceptInvitationData),
  commandSchema('CancelInvitation', cancelInvitationData),
]);

export type InvitationCommand = z.input<typeof invitationCommandSchema>;
