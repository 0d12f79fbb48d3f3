import { z } from 'zod';
import { defineEvent, personal, type EventsOf } from '../core/events.js';
import { brandingSchema } from './branding.js';
import { premiumAppCatalogue } from './premium-apps.js';

export const staffRoles = ['partner_admin', 'staff'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const reconnectReasons = ['consent_revoked', 'token_expired', 'account_unavailable'] as const;
export type ReconnectReason = (typeof reconnectReasons)[number];

const id = z.string().min(1);
const premiumApp = z.enum(premiumAppCatalogue);
const staffUser = z.object({ userId: id, name: personal(z.string().min(1)), email: personal(z.email()) });

/** A firm opened on the platform; a managed company is a firm whose `managedBy` names its partner firm. */
export const firmCreated = defineEvent({
  type: 'FirmCreated',
  version: 1,
  schema: z.object({
    firmId: id,
    name: z.string().min(1),
    staff: z.array(staffUser.extend({ role: z.enum(staffRoles) })).min(1),
    managedBy: id.nullable(),
    premiumApps: z.array(premiumApp),
  }),
  personal: [{ subject: 'staff.*.userId', fields: ['staff.*.name', 'staff.*.email'] }],
});

export const staffUserAdded = defineEvent({
  type: 'StaffUserAdded',
  version: 1,
  schema: z.object({ firmId: id, user: staffUser, role: z.enum(staffRoles) }),
  personal: [{ subject: 'user.userId', fields: ['user.name', 'user.email'] }],
});

export const staffRoleChanged = defineEvent({
  type: 'StaffRoleChanged',
  version: 1,
  schema: z.object({ firmId: id, userId: id, role: z.enum(staffRoles) }),
});

export const staffUserRemoved = defineEvent({
  type: 'StaffUserRemoved',
  version: 1,
  schema: z.object({ firmId: id, userId: id }),
});

/** The platform switched the partner portal on for a firm. */
export const partnerFeaturesEnabled = defineEvent({
  type: 'PartnerFeaturesEnabled',
  version: 1,
  schema: z.object({ firmId: id, licensingPartner: z.boolean() }),
});

export const partnerFeaturesDisabled = defineEvent({
  type: 'PartnerFeaturesDisabled',
  version: 1,
  schema: z.object({ firmId: id }),
});

export const licensingPartnerStatusChanged = defineEvent({
  type: 'LicensingPartnerStatusChanged',
  version: 1,
  schema: z.object({ firmId: id, licensingPartner: z.boolean() }),
});

/** On the partner's stream: the partner created a company it manages (the company's own stream follows). */
export const managedCompanyCreated = defineEvent({
  type: 'ManagedCompanyCreated',
  version: 1,
  schema: z.object({
    firmId: id,
    companyId: id,
    name: z.string().min(1),
    premiumApps: z.array(premiumApp),
    admins: z.array(staffUser).min(1),
  }),
  personal: [{ subject: 'admins.*.userId', fields: ['admins.*.name', 'admins.*.email'] }],
});

export const premiumAppSwitchedOn = defineEvent({
  type: 'PremiumAppSwitchedOn',
  version: 1,
  schema: z.object({ firmId: id, app: premiumApp }),
});

export const premiumAppSwitchedOff = defineEvent({
  type: 'PremiumAppSwitchedOff',
  version: 1,
  schema: z.object({ firmId: id, app: premiumApp }),
});

export const brandingChanged = defineEvent({
  type: 'BrandingChanged',
  version: 1,
  schema: z.object({ firmId: id, branding: brandingSchema }),
});

export const brandingCleared = defineEvent({
  type: 'BrandingCleared',
  version: 1,
  schema: z.object({ firmId: id }),
});

/** The firm turned the reminder before an invitation expires on or off. */
export const invitationRemindersSet = defineEvent({
  type: 'InvitationRemindersSet',
  version: 1,
  schema: z.object({ firmId: id, enabled: z.boolean() }),
});

/**
 * The firm-wide OneDrive connection was made (or remade). The account's display name is usually the
 * connecting person's name or email, so it is treated as their personal data.
 */
export const oneDriveConnected = defineEvent({
  type: 'OneDriveConnected',
  version: 1,
  schema: z.object({
    firmId: id,
    accountId: id,
    displayName: personal(z.string().min(1)),
    connectedBy: id,
    connectedAt: z.iso.datetime(),
  }),
  personal: [{ subject: 'connectedBy', fields: ['displayName'] }],
});

/** The firm connected a different OneDrive account than before, while these clients had folders linked. */
export const oneDriveAccountChanged = defineEvent({
  type: 'OneDriveAccountChanged',
  version: 1,
  schema: z.object({ firmId: id, previousAccountId: id, accountId: id, linkedClientIds: z.array(id) }),
});

export const oneDriveNeedsReconnect = defineEvent({
  type: 'OneDriveNeedsReconnect',
  version: 1,
  schema: z.object({ firmId: id, accountId: id, reason: z.enum(reconnectReasons), detectedAt: z.iso.datetime() }),
});

export const oneDriveDisconnected = defineEvent({
  type: 'OneDriveDisconnected',
  version: 1,
  schema: z.object({ firmId: id, accountId: id, disconnectedBy: id, disconnectedAt: z.iso.datetime() }),
});

export const firmEvents = [
  invitationRemindersSet,
  firmCreated,
  staffUserAdded,
  staffRoleChanged,
  staffUserRemoved,
  partnerFeaturesEnabled,
  partnerFeaturesDisabled,
  licensingPartnerStatusChanged,
  managedCompanyCreated,
  premiumAppSwitchedOn,
  premiumAppSwitchedOff,
  brandingChanged,
  brandingCleared,
  oneDriveConnected,
  oneDriveAccountChanged,
  oneDriveNeedsReconnect,
  oneDriveDisconnected,
] as const;

export type FirmEvent = EventsOf<typeof firmEvents>;
export type FirmEventType = FirmEvent['type'];
