import type { DecisionContext } from '../../src/core/decider.js';
import type { ClientCommand } from '../../src/client/commands.js';
import type { Contact } from '../../src/client/contact.js';
import type { ClientEvent, MemberRole, SubscriptionPlan } from '../../src/client/events.js';

type EventOf<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;
const event = <T extends ClientEvent['type']>(type: T, data: EventOf<T>['data']) => ({ type, data }) as EventOf<T>;

export const clientId = 'client-1';
export const firmId = 'firm-1';
export const at = '2026-01-15T09:00:00.000Z';

export const jane: Contact = { contactId: 'contact-jane', name: 'Jane Smith', emails: ['jane@smith.example'] };
export const john: Contact = { contactId: 'contact-john', name: 'John Smith', emails: ['john@smith.example', 'john@work.example'] };
export const gina: Contact = { contactId: 'contact-gina', name: 'Gina Guest', emails: ['gina@advisor.example'] };

export const inTenant = (tenantId: string): Partial<DecisionContext> => ({ tenantId });

// Events
export const individualCreated = (owner: Contact = jane, subscription: SubscriptionPlan = 'starter') =>
  event('ClientCreated', { clientId, firmId, kind: 'individual', name: null, owners: [owner], subscription });
export const groupCreated = (owners: Contact[] = [jane], name = 'Smith Family') =>
  event('ClientCreated', { clientId, firmId, kind: 'group', name, owners, subscription: 'starter' });
export const clientRenamed = (name: string) => event('ClientRenamed', { clientId, name });
export const dataRecorded = (fields: Record<string, string>) => event('PreliminaryDataRecorded', { clientId, fields });
export const dataRemoved = (fieldNames: string[]) => event('PreliminaryDataRemoved', { clientId, fieldNames });
export const subscriptionChanged = (plan: SubscriptionPlan) => event('SubscriptionChanged', { clientId, plan });
export const staffAssigned = (userId: string) => event('StaffAssigned', { clientId, userId });
export const staffUnassigned = (userId: string) => event('StaffUnassigned', { clientId, userId });
export const ownerAdded = (contact: Contact) => event('OwnerAdded', { clientId, contact });
export const guestAdded = (contact: Contact) => event('GuestAdded', { clientId, contact });
export const invitationRequested = (contact: Contact) =>
  event('InvitationRequested', { clientId, contactId: contact.contactId, email: contact.emails[0]!, reason: 'guest_added' });
export const memberRemoved = (contactId: string, role: MemberRole) => event('MemberRemoved', { clientId, contactId, role });
export const contactRenamed = (contactId: string, name: string) => event('ContactRenamed', { clientId, contactId, name });
export const emailAdded = (contactId: string, email: string) => event('ContactEmailAdded', { clientId, contactId, email });
export const emailRemoved = (contactId: string, email: string) => event('ContactEmailRemoved', { clientId, contactId, email });
export const clientArchived = (contactIds: string[]) => event('ClientArchived', { clientId, contactIds, archivedAt: at });
export const clientRestored = () => event('ClientRestored', { clientId, restoredAt: at });

// Commands
type CommandOf<T extends ClientCommand['type']> = Extract<ClientCommand, { type: T }>;
const command = <T extends ClientCommand['type']>(type: T, data: CommandOf<T>['data']) => ({ type, data }) as CommandOf<T>;
export const input = (contact: Contact) => ({ name: contact.name, emails: contact.emails });

export const createIndividual = (owner: { name: string; emails: string[] } = input(jane), extra: Partial<CommandOf<'CreateClient'>['data']> = {}) =>
  command('CreateClient', { clientId, kind: 'individual', owners: [owner], ...extra });
export const createGroup = (owners: Array<{ name: string; emails: string[] }> = [input(jane)], name = 'Smith Family') =>
  command('CreateClient', { clientId, kind: 'group', name, owners });
export const renameClient = (name: string) => command('RenameClient', { name });
export const recordData = (fields: Record<string, string>) => command('RecordPreliminaryData', { fields });
export const removeData = (fieldNames: string[]) => command('RemovePreliminaryData', { fieldNames });
export const changeSubscription = (plan: SubscriptionPlan) => command('ChangeSubscription', { plan });
export const assignStaff = (userId: string, firmStaffIds = ['user-1', 'user-2']) => command('AssignStaff', { userId, firmStaffIds });
export const unassignStaff = (userId: string) => command('UnassignStaff', { userId });
export const addOwner = (contact: { name: string; emails: string[] }) => command('AddOwner', { contact });
export const addGuest = (contact: { name: string; emails: string[] }, contactId?: string) =>
  command('AddGuest', { contact, ...(contactId !== undefined ? { contactId } : {}) });
export const removeMember = (contactId: string) => command('RemoveMember', { contactId });
export const renameContact = (contactId: string, name: string) => command('RenameContact', { contactId, name });
export const addEmail = (contactId: string, email: string) => command('AddContactEmail', { contactId, email });
export const removeEmail = (contactId: string, email: string) => command('RemoveContactEmail', { contactId, email });
export const archiveClient = () => command('ArchiveClient', {});
export const restoreClient = () => command('RestoreClient', {});
export { input as contactInput };
