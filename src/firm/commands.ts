import { z } from 'zod';
import { commandSchema } from '../core/validate.js';
import { emailInput } from '../core/email.js';
import {
  idOf,
  listOf,
  MAX_BLOB_REF_LENGTH,
  MAX_COMPANY_ADMINS,
  MAX_FILE_BYTES,
  MAX_LABEL_LENGTH,
  MAX_PERSON_NAME_LENGTH,
  MAX_URL_LENGTH,
  plainText,
} from '../core/limits.js';
import { staffRoles, reconnectReasons } from './events.js';
import { firmNameInput } from './names.js';
import { premiumAppCatalogue } from './premium-apps.js';

const id = idOf();
const personName = plainText(MAX_PERSON_NAME_LENGTH).trim().min(1, 'cannot be empty');
const premiumApps = listOf(z.enum(premiumAppCatalogue), premiumAppCatalogue.length * 2, 'premium apps');
/** A staff user to add; without a userId a new user is made. */
const newStaffUser = z.strictObject({ userId: id.optional(), name: personName, email: emailInput });
/** Fact from the managing partner firm: its partner admins' user ids (filled in by the application). */
const partnerAdminIds = z.array(id).default([]);

export const createFirm = z.strictObject({ name: firmNameInput, partnerAdmin: newStaffUser });
/** Opens a managed company's own stream, after the partner recorded `ManagedCompanyCreated`. */
export const setUpManagedCompany = z.strictObject({
  name: firmNameInput,
  managedBy: id,
  premiumApps,
  admins: listOf(z.strictObject({ userId: id, name: personName, email: emailInput }), MAX_COMPANY_ADMINS, 'admins').min(1),
  partnerAdminIds,
});
export const addStaffUser = z.strictObject({ user: newStaffUser, role: z.enum(staffRoles).default('staff'), partnerAdminIds });
export const changeStaffRole = z.strictObject({ userId: id, role: z.enum(staffRoles), partnerAdminIds });
export const removeStaffUser = z.strictObject({ userId: id, partnerAdminIds });
export const enablePartnerFeatures = z.strictObject({ licensingPartner: z.boolean().default(false) });
export const disablePartnerFeatures = z.strictObject({});
export const changeLicensingPartner = z.strictObject({ licensingPartner: z.boolean() });
export const createManagedCompany = z.strictObject({
  /** Chosen by the application when it reserves the name first (reservation owner); else a new id. */
  companyId: id.optional(),
  name: firmNameInput,
  premiumApps: premiumApps.default([]),
  /** Defaults to the partner admin creating the company. */
  admins: listOf(newStaffUser, MAX_COMPANY_ADMINS, 'admins').min(1, 'needs at least one admin').optional(),
});
export const changePremiumApps = z.strictObject({ premiumApps, partnerAdminIds });
export const setBranding = z.strictObject({
  logo: z
    .strictObject({ blobRef: idOf(MAX_BLOB_REF_LENGTH), contentType: plainText(MAX_LABEL_LENGTH), size: z.number().int().positive().max(MAX_FILE_BYTES) })
    .nullable(),
  primaryColour: plainText(20).nullable(),
  /** An email address or an https link. */
  supportChannel: plainText(MAX_URL_LENGTH).nullable(),
});
export const clearBranding = z.strictObject({});

/** Whether invitees get a reminder a few days before their invitation expires (on by default). */
export const setInvitationReminders = z.strictObject({ enabled: z.boolean() });
export const connectOneDrive = z.strictObject({
  accountId: id,
  displayName: plainText(MAX_PERSON_NAME_LENGTH).trim().min(1, 'cannot be empty'),
  driveType: z.enum(['personal', 'business', 'documentLibrary']),
  /** Fact from the folder links: clients whose OneDrive folder is linked right now. */
  linkedClientIds: z.array(id).default([]),
});
export const markOneDriveNeedsReconnect = z.strictObject({ reason: z.enum(reconnectReasons) });
export const disconnectOneDrive = z.strictObject({});

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
  commandSchema('SetInvitationReminders', setInvitationReminders),
  commandSchema('ConnectOneDrive', connectOneDrive),
  commandSchema('MarkOneDriveNeedsReconnect', markOneDriveNeedsReconnect),
  commandSchema('DisconnectOneDrive', disconnectOneDrive),
]);

/** A firm command as callers write it (defaults may be left out). */
export type FirmCommand = z.input<typeof firmCommandSchema>;
