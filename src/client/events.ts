import { z } from 'zod';
import { defineEvent, personal, type EventsOf } from '../core/events.js';

export const clientKinds = ['individual', 'group'] as const;
export type ClientKind = (typeof clientKinds)[number];
export const subscriptionPlans = ['starter', 'pro'] as const;
export type SubscriptionPlan = (typeof subscriptionPlans)[number];
export const memberRoles = ['owner', 'guest'] as const;
export type MemberRole = (typeof memberRoles)[number];

const id = z.string().min(1);
const contactName = personal(z.string().min(1));
const email = personal(z.email());
const contact = z.object({ contactId: id, name: contactName, emails: z.array(email).min(1) });
const contactData = { subject: 'contact.contactId', fields: ['contact.name', 'contact.emails.*'] };

/** A client (an individual, or a group such as an organisation or family) added by the firm. */
export const clientCreated = defineEvent({
  type: 'ClientCreated',
  version: 1,
  schema: z.object({
    clientId: id,
    firmId: id,
    kind: z.enum(clientKinds),
    /** The group's (or an individual's chosen) display name; null shows the owner's name. */
    name: personal(z.string().min(1)).nullable(),
    owners: z.array(contact).min(1),
    subscription: z.enum(subscriptionPlans),
  }),
  personal: [
    { subject: 'clientId', fields: ['name'] },
    { subject: 'owners.*.contactId', fields: ['owners.*.name', 'owners.*.emails.*'] },
  ],
});

export const clientRenamed = defineEvent({
  type: 'ClientRenamed',
  version: 1,
  schema: z.object({ clientId: id, name: personal(z.string().min(1)) }),
  personal: [{ subject: 'clientId', fields: ['name'] }],
});

/** Preliminary data fields set (added or changed) before or after the client is invited. */
export const preliminaryDataRecorded = defineEvent({
  type: 'PreliminaryDataRecorded',
  version: 1,
  schema: z.object({ clientId: id, fields: z.record(z.string(), personal(z.string())) }),
  personal: [{ subject: 'clientId', fields: ['fields.*'] }],
});

export const preliminaryDataRemoved = defineEvent({
  type: 'PreliminaryDataRemoved',
  version: 1,
  schema: z.object({ clientId: id, fieldNames: z.array(z.string()).min(1) }),
});

export const subscriptionChanged = defineEvent({
  type: 'SubscriptionChanged',
  version: 1,
  schema: z.object({ clientId: id, plan: z.enum(subscriptionPlans) }),
});

export const staffAssigned = defineEvent({
  type: 'StaffAssigned',
  version: 1,
  schema: z.object({ clientId: id, userId: id }),
});

export const staffUnassigned = defineEvent({
  type: 'StaffUnassigned',
  version: 1,
  schema: z.object({ clientId: id, userId: id }),
});

/** A co-owner joined a group client. */
export const ownerAdded = defineEvent({
  type: 'OwnerAdded',
  version: 1,
  schema: z.object({ clientId: id, contact }),
  personal: [contactData],
});

export const guestAdded = defineEvent({
  type: 'GuestAdded',
  version: 1,
  schema: z.object({ clientId: id, contact }),
  personal: [contactData],
});

/** The client asks the application to invite a contact (a guest is invited automatically). */
export const invitationRequested = defineEvent({
  type: 'InvitationRequested',
  version: 1,
  schema: z.object({ clientId: id, contactId: id, email, reason: z.enum(['guest_added']) }),
  personal: [{ subject: 'contactId', fields: ['email'] }],
});

export const memberRemoved = defineEvent({
  type: 'MemberRemoved',
  version: 1,
  schema: z.object({ clientId: id, contactId: id, role: z.enum(memberRoles) }),
});

export const contactRenamed = defineEvent({
  type: 'ContactRenamed',
  version: 1,
  schema: z.object({ clientId: id, contactId: id, name: contactName }),
  personal: [{ subject: 'contactId', fields: ['name'] }],
});

export const contactEmailAdded = defineEvent({
  type: 'ContactEmailAdded',
  version: 1,
  schema: z.object({ clientId: id, contactId: id, email }),
  personal: [{ subject: 'contactId', fields: ['email'] }],
});

export const contactEmailRemoved = defineEvent({
  type: 'ContactEmailRemoved',
  version: 1,
  schema: z.object({ clientId: id, contactId: id, email }),
  personal: [{ subject: 'contactId', fields: ['email'] }],
});

/** Carries every member's contact id so the application can close portal access and cancel invitations. */
export const clientArchived = defineEvent({
  type: 'ClientArchived',
  version: 1,
  schema: z.object({ clientId: id, contactIds: z.array(id), archivedAt: z.iso.datetime() }),
});

export const clientRestored = defineEvent({
  type: 'ClientRestored',
  version: 1,
  schema: z.object({ clientId: id, restoredAt: z.iso.datetime() }),
});

export const clientEvents = [
  clientCreated,
  clientRenamed,
  preliminaryDataRecorded,
  preliminaryDataRemoved,
  subscriptionChanged,
  staffAssigned,
  staffUnassigned,
  ownerAdded,
  guestAdded,
  invitationRequested,
  memberRemoved,
  contactRenamed,
  contactEmailAdded,
  contactEmailRemoved,
  clientArchived,
  clientRestored,
] as const;

export type ClientEvent = EventsOf<typeof clientEvents>;
export type ClientEventType = ClientEvent['type'];
