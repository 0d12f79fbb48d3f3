import { z } from 'zod';
import { idOf, plainText } from '../core/limits.js';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import { invitationCancelReasons, invitationReasons } from './events.js';

const id = idOf();

export const MAX_FORM_NAME_LENGTH = 200;
export const MAX_FAILURE_REASON_LENGTH = 500;

/** Send (or resend) the invitation email to one member of a client. */
export const sendInvitationData = z.strictObject({
  clientId: id,
  contactId: id,
  email: emailInput,
  /** A digital form sent along with the invitation, and its name as the email shows it. */
  formId: id.optional(),
  formName: plainText(MAX_FORM_NAME_LENGTH).optional(),
  /**
   * The send's id, chosen by the application so the token can be derived from it (the mail
   * process derives the link again from the recorded event); a fresh id when omitted.
   */
  invitationId: id.optional(),
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

/** The mail server refused the invitation email for good (a bad address, a 5xx answer). */
export const recordDeliveryFailureData = z.strictObject({
  contactId: id,
  invitationId: id,
  reason: plainText(MAX_FAILURE_REASON_LENGTH),
});

export const cancelInvitationData = z.strictObject({ contactId: id, reason: z.enum(invitationCancelReasons) });

export const invitationCommandSchema = z.discriminatedUnion('type', [
  commandSchema('SendInvitation', sendInvitationData),
  commandSchema('AcceptInvitation', acceptInvitationData),
  commandSchema('CancelInvitation', cancelInvitationData),
  commandSchema('RecordDeliveryFailure', recordDeliveryFailureData),
]);

export type InvitationCommand = z.input<typeof invitationCommandSchema>;
