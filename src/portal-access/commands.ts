import { z } from 'zod';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import { closeReasons } from './events.js';
import { sharedItemsInput } from './shared-items.js';

const id = z.string().min(1);
/** The contact's current email addresses, a fact from the Client aggregate. */
const contactEmails = z.array(emailInput);

export const openPortalAccessData = z.object({
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

export const activatePortalAccessData = z.object({ contactId: id, passwordHash: z.string().min(1) });

export const closePortalAccessData = z.object({ contactId: id, via: z.enum(closeReasons) });

export const editSharedSelectionData = z.object({ contactId: id, sharedItems: sharedItemsInput });

export const changeLoginEmailData = z.object({ contactId: id, loginEmail: emailInput, contactEmails });

export const recordLoginData = z.object({
  contactId: id,
  /** ISO instant of the login; defaults to now. */
  at: z.iso.datetime().optional(),
  ipAddress: z.string().min(1).optional(),
  userAgent: z.string().min(1).optional(),
});

export const portalAccessCommandSchema = z.discriminatedUnion('type', [
  commandSchema('OpenPortalAccess', openPortalAccessData),
  commandSchema('ActivatePortalAccess', activatePortalAccessData),
  commandSchema('ClosePortalAccess', closePortalAccessData),
  commandSchema('EditSharedSelection', editSharedSelectionData),
  commandSchema('ChangeLoginEmail', changeLoginEmailData),
  commandSchema('RecordLogin', recordLoginData),
]);

export type PortalAccessCommand = z.input<typeof portalAccessCommandSchema>;
