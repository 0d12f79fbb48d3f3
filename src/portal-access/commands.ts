import { z } from 'zod';
import { idOf, ipAddress, userAgent } from '../core/limits.js';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import { closeReasons } from './events.js';
import { sharedItemsInput } from './shared-items.js';

const id = idOf();
/** The contact's current email addresses, a fact from the Client aggregate. */
const contactEmails = z.array(emailInput);

export const openPortalAccessData = z.strictObject({
  contactId: id,
  clientId: id,
  /** Omitted: the contact's first email address (the one shown by default). */
  loginEmail: emailInput.optional(),
  contactEmails,
  sharedItems: sharedItemsInput,
  /**
   * Fact from the Invitation aggregate: the password hash of an accepted invitation, when this
   * access has none yet (the invitation was accepted while the access was closed).
   */
  acceptedPasswordHash: z.string().min(1).optional(),
});

export const activatePortalAccessData = z.strictObject({ contactId: id, passwordHash: z.string().min(1) });

export const closePortalAccessData = z.strictObject({ contactId: id, via: z.enum(closeReasons) });

export const editSharedSelectionData = z.strictObject({ contactId: id, sharedItems: sharedItemsInput });

export const changeLoginEmailData = z.strictObject({ contactId: id, loginEmail: emailInput, contactEmails });

export const recordLoginData = z.strictObject({
  contactId: id,
  /** ISO instant of the login; defaults to now. */
  at: z.iso.datetime().optional(),
  ipAddress: ipAddress.optional(),
  userAgent: userAgent.optional(),
});

/** The application derives the token from `resetId` and passes only its digest. */
export const requestPasswordResetData = z.strictObject({ contactId: id, resetId: id, tokenHash: z.string().min(1) });

export const resetPasswordData = z.strictObject({ contactId: id, tokenHash: z.string().min(1), passwordHash: z.string().min(1) });

export const portalAccessCommandSchema = z.discriminatedUnion('type', [
  commandSchema('OpenPortalAccess', openPortalAccessData),
  commandSchema('ActivatePortalAccess', activatePortalAccessData),
  commandSchema('ClosePortalAccess', closePortalAccessData),
  commandSchema('EditSharedSelection', editSharedSelectionData),
  commandSchema('ChangeLoginEmail', changeLoginEmailData),
  commandSchema('RecordLogin', recordLoginData),
  commandSchema('RequestPasswordReset', requestPasswordResetData),
  commandSchema('ResetPassword', resetPasswordData),
]);

export type PortalAccessCommand = z.input<typeof portalAccessCommandSchema>;
