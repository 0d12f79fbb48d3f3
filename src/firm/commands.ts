import { z } from 'zod';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import { staffRoles, reconnectReasons } from './events.js';
import { firmNameInput } from './names.js';
import { premiumAppCatalogue } from './premium-apps.js';

const id = z.string().min(1);
const personName = z.string().trim().min(1).max(200);
const premiumApps = z.array(z.enum(premiumAppCatalogue)).max(premiumAppCatalogue.length * 2);
/** A staff user to add; without a userId a new user is made. */
const newStaffUser = z.object({ userId: id.optional(), name: personName, email: emailInput });
/** Fact from the managing partner firm: its partner admins' user ids (filled in by the application). */
const partnerAdminIds = z.array(id).default([]);

export const createFirm = z.object({ name: firmNameInput, partnerAdmin: newStaffUser });
/** Opens a managed company's own stream, after the partner recorded `ManagedCompanyCreated`. */
export const setUpManagedCompany = z.object({
  name: firmNameInput,
  managedBy: id,
  premiumApps,
  admins: z.array(z.object({ userId: id, name: personName, email: emailInput })).min(1).max(100),
  partnerAdminIds,
});
export const addStaffUser = z.object({ user: newStaffUser, role: z.enum(staffRoles).default('staff'), partnerAdminIds });
export const changeStaffRole = z.object({ userId: id, role: z.enum(staffRoles), partnerAdminIds });
export const removeStaffUser = z.object({ userId: id, partnerAdminIds });
export const enablePartnerFeatures = z.object({ licensingPartner: z.boolean().default(false) });
export const disablePartnerFeatures = z.object({});
export const changeLicensingPartner = z.object({ licensingPartner: z.boolean() });
export const createManagedCompany = z.object({
  /** Chosen by the application when it reserves the name first (reservation owner); else a new id. */
  companyId: id.optional(),
  name: firmNameInput,
  premiumApps: premiumApps.default([]),
  /** Defaults to the partner admin creating the company. */
  admins: z.array(newStaffUser).min(1).max(100).optional(),
});
export const changePremiumApps = z.object({ premiumApps, partnerAdminIds });
export const setBranding = z.object({
  logo: z.object({ blobRef: z.string().min(1).max(500), contentType: z.string(), size: z.number().int().positive() }).nullable(),
  primaryColour: z.string().max(20).nullable(),
  /** An email address or an https link. */
  supportChannel: z.string().max(2000).nullable(),
});
export const clearBranding = z.object({});
export const connectOneDrive = z.object({
  accountId: id,
  displayName: z.string().trim().min(1).max(200),
  driveType: z.enum(['personal', 'business', 'documentLibrary']),
  /** Fact from the folder links: clients whose OneDrive folder is linked right now. */
  linkedClientIds: z.array(id).default([]),
});
export const markOneDriveNeedsReconnect = z.object({ reason: z.enum(reconnectReasons) });
export const disconnectOneDrive = z.object({});

/** Every firm command, to validate input at the edge. */
export const firmCommandSchema = z.discriminatedUnion('type', [
  commandSchema('CreateFirm', createFirm),
  commandSchema('SetUpManagedCompany', setUpManagedCompany),
  commandSchema('AddStaffUser', addStaffUser),
  commandSchema('ChangeStaffRole', changeStaffRole),
  commandSchema('RemoveStaffUser', removeStaffUser),
  commandSchema('EnablePartnerFeatures', enablePartnerFeatures),
  commandSchema('DisablePartnerFeatures', disablePartnerFeatures),
  commandSchema('ChangeLicensingPartner', changeLicensingPartner),
  commandSchema('CreateManagedCompany', createManagedCompany),
  commandSchema('ChangePremiumApps', changePremiumApps),
  commandSchema('SetBranding', setBranding),
  commandSchema('ClearBranding', clearBranding),
  commandSchema('ConnectOneDrive', connectOneDrive),
  commandSchema('MarkOneDriveNeedsReconnect', markOneDriveNeedsReconnect),
  commandSchema('DisconnectOneDrive', disconnectOneDrive),
]);

/** A firm command as callers write it (defaults may be left out). */
export type FirmCommand = z.input<typeof firmCommandSchema>;
