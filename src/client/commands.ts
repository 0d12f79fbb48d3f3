import { z } from 'zod';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import { idOf, listOf, MAX_OWNERS_PER_CLIENT, MAX_PERSON_NAME_LENGTH, plainText } from '../core/limits.js';
import { maxEmailsPerContact } from './contact.js';
import { clientKinds, subscriptionPlans } from './events.js';
import { maxPreliminaryFields, preliminaryFieldName, preliminaryFields } from './preliminary-data.js';

const id = idOf();
const name = plainText(MAX_PERSON_NAME_LENGTH).trim().min(1, 'cannot be empty');
/** A new contact: a name and one or more email addresses (normalised and validated). */
const contactInput = z.strictObject({
  name,
  emails: listOf(emailInput, maxEmailsPerContact, 'email addresses').min(1, 'needs at least one email address'),
});

export const createClient = z.strictObject({
  /** Chosen by the application, which names the stream after it. */
  clientId: id,
  kind: z.enum(clientKinds),
  /** Required for a group; an individual shows its owner's name when left out. */
  name: name.optional(),
  owners: listOf(contactInput, MAX_OWNERS_PER_CLIENT, 'owners').min(1, 'needs at least one owner'),
  preliminaryData: preliminaryFields.default({}),
  subscription: z.enum(subscriptionPlans).default('starter'),
});
export const renameClient = z.strictObject({ name });
export const recordPreliminaryData = z.strictObject({ fields: preliminaryFields });
export const removePreliminaryData = z.strictObject({ fieldNames: listOf(preliminaryFieldName, maxPreliminaryFields, 'field names').min(1, 'name at least one field') });
export const changeSubscription = z.strictObject({ plan: z.enum(subscriptionPlans) });
/** `firmStaffIds`: fact from the firm, its staff users' ids (filled in by the application). */
export const assignStaff = z.strictObject({ userId: id, firmStaffIds: z.array(id) });
export const unassignStaff = z.strictObject({ userId: id });
/** `contactId`, when the application chooses it (an idempotency key), makes a retried AddOwner / AddGuest a no-op. */
export const addOwner = z.strictObject({ contact: contactInput, contactId: id.optional() });
export const addGuest = z.strictObject({ contact: contactInput, contactId: id.optional() });
export const removeMember = z.strictObject({ contactId: id });
export const renameContact = z.strictObject({ contactId: id, name });
export const addContactEmail = z.strictObject({ contactId: id, email: emailInput });
export const removeContactEmail = z.strictObject({ contactId: id, email: emailInput });
export const archiveClient = z.strictObject({});
export const restoreClient = z.strictObject({});

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
