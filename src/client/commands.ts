import { z } from 'zod';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import { maxEmailsPerContact } from './contact.js';
import { clientKinds, subscriptionPlans } from './events.js';
import { preliminaryFieldName, preliminaryFields } from './preliminary-data.js';

const id = z.string().min(1);
const name = z.string().trim().min(1).max(200);
/** A new contact: a name and one or more email addresses (normalised and validated). */
const contactInput = z.object({ name, emails: z.array(emailInput).min(1).max(maxEmailsPerContact) });

export const createClient = z.object({
  /** Chosen by the application, which names the stream after it. */
  clientId: id,
  kind: z.enum(clientKinds),
  /** Required for a group; an individual shows its owner's name when left out. */
  name: name.optional(),
  owners: z.array(contactInput).min(1).max(20),
  preliminaryData: preliminaryFields.default({}),
  subscription: z.enum(subscriptionPlans).default('starter'),
});
export const renameClient = z.object({ name });
export const recordPreliminaryData = z.object({ fields: preliminaryFields });
export const removePreliminaryData = z.object({ fieldNames: z.array(preliminaryFieldName).min(1) });
export const changeSubscription = z.object({ plan: z.enum(subscriptionPlans) });
/** `firmStaffIds`: fact from the firm, its staff users' ids (filled in by the application). */
export const assignStaff = z.object({ userId: id, firmStaffIds: z.array(id) });
export const unassignStaff = z.object({ userId: id });
/** `contactId`, when the application chooses it (an idempotency key), makes a retried AddOwner / AddGuest a no-op. */
export const addOwner = z.object({ contact: contactInput, contactId: id.optional() });
export const addGuest = z.object({ contact: contactInput, contactId: id.optional() });
export const removeMember = z.object({ contactId: id });
export const renameContact = z.object({ contactId: id, name });
export const addContactEmail = z.object({ contactId: id, email: emailInput });
export const removeContactEmail = z.object({ contactId: id, email: emailInput });
export const archiveClient = z.object({});
export const restoreClient = z.object({});

/** Every client command, to validate input at the edge. */
export const clientCommandSchema = z.discriminatedUnion('type', [
  commandSchema('CreateClient', createClient),
  commandSchema('RenameClient', renameClient),
  commandSchema('RecordPreliminaryData', recordPreliminaryData),
  commandSchema('RemovePreliminaryData', removePreliminaryData),
  commandSchema('ChangeSubscription', changeSubscription),
  commandSchema('AssignStaff', assignStaff),
  commandSchema('UnassignStaff', unassignStaff),
  commandSchema('AddOwner', addOwner),
  commandSchema('AddGuest', addGuest),
  commandSchema('RemoveMember', removeMember),
  commandSchema('RenameContact', renameContact),
  commandSchema('AddContactEmail', addContactEmail),
  commandSchema('RemoveContactEmail', removeContactEmail),
  commandSchema('ArchiveClient', archiveClient),
  commandSchema('RestoreClient', restoreClient),
]);

/** A client command as callers write it (defaults may be left out). */
export type ClientCommand = z.input<typeof clientCommandSchema>;
