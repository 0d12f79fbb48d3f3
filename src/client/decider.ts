/**
 * A client of the firm: an individual or a group, its members (owners and guests, each a contact),
 * preliminary data, subscription and assigned staff. Stream: `streams.client(clientId)`.
 *
 * Process rules the application wires around this decider:
 * - InvitationRequested (emitted with GuestAdded) → issue an invitation to that contact and email
 *   (invitation stream); a guest is invited automatically, no separate "Send invite" needed.
 * - ClientArchived → close portal access of every contact in `contactIds` and cancel their open invitations.
 * - MemberRemoved → close that contact's portal access and cancel its open invitation.
 * - ContactEmailRemoved → if it was the contact's login email, the portal-access side decides what follows.
 * - AssignStaff carries `firmStaffIds` (the firm's staff user ids); on the firm's StaffUserRemoved the
 *   application sends UnassignStaff to every client the user was assigned to.
 * - Opening portal access with a new login email → AddContactEmail first (decides nothing if already known).
 */
import type { z } from 'zod';
import type { Decider, DecisionContext } from '../core/decider.js';
import { DomainError, NotFoundError, ValidationError } from '../core/errors.js';
import { parseCommand } from '../core/validate.js';
import * as c from './commands.js';
import type { ClientCommand } from './commands.js';
import { maxEmailsPerContact, newContact } from './contact.js';
import type { ClientEvent } from './events.js';
import { changedPreliminaryFields } from './preliminary-data.js';
import { evolveClient, initialClientState, ownersOf, type ClientState, type Member } from './state.js';

export const clientDecider: Decider<ClientCommand, ClientEvent, ClientState> = {
  initialState: initialClientState,
  decide,
  evolve: evolveClient,
};

function decide(command: ClientCommand, state: ClientState, ctx: DecisionContext): ClientEvent[] {
  if (command.type === 'CreateClient') return create(parseCommand(c.createClient, command.data), state, ctx);
  requireClient(state, ctx);
  if (command.type === 'RestoreClient') {
    parseCommand(c.restoreClient, command.data);
    if (state.status !== 'archived') throw new DomainError('client.not_archived', 'This client is not archived.');
    return [{ type: 'ClientRestored', data: { clientId: state.id, restoredAt: ctx.now.toISOString() } }];
  }
  // An archived client keeps its history and refuses every change.
  if (state.status === 'archived') throw new DomainError('client.archived', 'This client is archived.');
  const clientId = state.id;

  switch (command.type) {
    case 'RenameClient': {
      const { name } = parseCommand(c.renameClient, command.data);
      return name === state.name ? [] : [{ type: 'ClientRenamed', data: { clientId, name } }];
    }
    case 'RecordPreliminaryData': {
      const { fields } = parseCommand(c.recordPreliminaryData, command.data);
      const changed = changedPreliminaryFields(state.preliminaryData, fields);
      return Object.keys(changed).length === 0 ? [] : [{ type: 'PreliminaryDataRecorded', data: { clientId, fields: changed } }];
    }
    case 'RemovePreliminaryData': {
      const { fieldNames } = parseCommand(c.removePreliminaryData, command.data);
      const present = [...new Set(fieldNames)].filter((name) => Object.hasOwn(state.preliminaryData, name));
      return present.length === 0 ? [] : [{ type: 'PreliminaryDataRemoved', data: { clientId, fieldNames: present } }];
    }
    case 'ChangeSubscription': {
      const { plan } = parseCommand(c.changeSubscription, command.data);
      return plan === state.subscription ? [] : [{ type: 'SubscriptionChanged', data: { clientId, plan } }];
    }
    case 'AssignStaff': {
      const { userId, firmStaffIds } = parseCommand(c.assignStaff, command.data);
      if (!firmStaffIds.includes(userId)) {
        throw new DomainError('client.staff_not_in_firm', "Only the firm's own staff users can be assigned to a client.");
      }
      return state.assignedStaff.includes(userId) ? [] : [{ type: 'StaffAssigned', data: { clientId, userId } }];
    }
    case 'UnassignStaff': {
      const { userId } = parseCommand(c.unassignStaff, command.data);
      return state.assignedStaff.includes(userId) ? [{ type: 'StaffUnassigned', data: { clientId, userId } }] : [];
    }
    case 'AddOwner': {
      const { contact, contactId } = parseCommand(c.addOwner, command.data);
      if (state.kind === 'individual') {
        throw new DomainError('client.individual_has_one_owner', 'An individual client has exactly one owner; co-owners belong to a group.');
      }
      if (contactId !== undefined && state.members.some((m) => m.contactId === contactId)) return [];
      return [{ type: 'OwnerAdded', data: { clientId, contact: newContact(contact, ctx, contactId) } }];
    }
    case 'AddGuest': {
      const data = parseCommand(c.addGuest, command.data);
      if (data.contactId !== undefined && state.members.some((m) => m.contactId === data.contactId)) return [];
      const guest = newContact(data.contact, ctx, data.contactId);
      return [
        { type: 'GuestAdded', data: { clientId, contact: guest } },
        { type: 'InvitationRequested', data: { clientId, contactId: guest.contactId, email: guest.emails[0]!, reason: 'guest_added' } },
      ];
    }
    case 'RemoveMember': {
      const member = requireMember(state, parseCommand(c.removeMember, command.data).contactId);
      if (member.role === 'owner' && ownersOf(state).length === 1) {
        throw new DomainError('client.last_owner', 'A client must keep at least one owner.');
      }
      return [{ type: 'MemberRemoved', data: { clientId, contactId: member.contactId, role: member.role } }];
    }
    case 'RenameContact': {
      const { contactId, name } = parseCommand(c.renameContact, command.data);
      const member = requireMember(state, contactId);
      return member.name === name ? [] : [{ type: 'ContactRenamed', data: { clientId, contactId, name } }];
    }
    case 'AddContactEmail': {
      const { contactId, email } = parseCommand(c.addContactEmail, command.data);
      const member = requireMember(state, contactId);
      if (member.emails.includes(email)) return [];
      if (member.emails.length >= maxEmailsPerContact) {
        throw new DomainError('client.too_many_emails', `A contact can have at most ${maxEmailsPerContact} email addresses.`);
      }
      return [{ type: 'ContactEmailAdded', data: { clientId, contactId, email } }];
    }
    case 'RemoveContactEmail': {
      const { contactId, email } = parseCommand(c.removeContactEmail, command.data);
      const member = requireMember(state, contactId);
      if (!member.emails.includes(email)) throw new DomainError('client.email_not_found', 'This contact does not have that email address.');
      if (member.emails.length === 1) throw new DomainError('client.last_email', "A contact's last email address cannot be removed.");
      return [{ type: 'ContactEmailRemoved', data: { clientId, contactId, email } }];
    }
    case 'ArchiveClient': {
      parseCommand(c.archiveClient, command.data);
      const contactIds = state.members.map((m) => m.contactId);
      return [{ type: 'ClientArchived', data: { clientId, contactIds, archivedAt: ctx.now.toISOString() } }];
    }
    default:
      throw new ValidationError(`Unknown client command ${JSON.stringify((command as { type?: unknown }).type)}.`);
  }
}

function create(data: z.output<typeof c.createClient>, state: ClientState, ctx: DecisionContext): ClientEvent[] {
  if (state.status !== 'new') throw new DomainError('client.already_exists', 'This client already exists.');
  if (data.kind === 'individual' && data.owners.length !== 1) {
    throw new DomainError('client.individual_has_one_owner', 'An individual client has exactly one owner.');
  }
  if (data.kind === 'group' && data.name === undefined) {
    throw new DomainError('client.group_name_required', 'A group client needs a name.');
  }
  const { clientId, kind, subscription } = data;
  const owners = data.owners.map((owner) => newContact(owner, ctx));
  const events: ClientEvent[] = [
    { type: 'ClientCreated', data: { clientId, firmId: ctx.tenantId, kind, name: data.name ?? null, owners, subscription } },
  ];
  const fields = changedPreliminaryFields({}, data.preliminaryData);
  if (Object.keys(fields).length > 0) events.push({ type: 'PreliminaryDataRecorded', data: { clientId, fields } });
  return events;
}

/** The client must exist, inside the caller's tenant. */
function requireClient(state: ClientState, ctx: DecisionContext): void {
  if (state.status === 'new' || state.firmId !== ctx.tenantId) throw new NotFoundError('client.not_found', 'This client does not exist.');
}

function requireMember(state: ClientState, contactId: string): Member {
  const member = state.members.find((m) => m.contactId === contactId);
  if (!member) throw new DomainError('client.member_not_found', 'This contact is not a member of the client.');
  return member;
}
