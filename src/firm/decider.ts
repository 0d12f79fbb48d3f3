/**
 * The firm: staff users and roles, the partner portal (managed companies, premium apps, branding)
 * and the firm-wide OneDrive connection. Stream: `streams.firm(firmId)`; the firm id is the tenant id.
 *
 * Managed companies live on two streams. The partner's stream records `ManagedCompanyCreated` (its list
 * of companies, and the names it already manages); the company's own stream opens with `FirmCreated`
 * carrying `managedBy` and its admins as partner admins, and is where apps and admins change afterwards.
 *
 * Process rules the application wires around this decider:
 * - CreateManagedCompany: pick the companyId, `reserve({ kind: 'company-name', key: companyNameKey(name),
 *   ownerId: companyId })` first (names are unique across the platform), then send the command with that
 *   companyId; release the reservation if the command is refused.
 * - ManagedCompanyCreated (on firm-P) → SetUpManagedCompany on `firm-<companyId>`, tenant = companyId, same actor,
 *   with { name, managedBy: P, premiumApps, admins, partnerAdminIds: partnerAdminsOf(P) }.
 * - A partner admin editing a company → ChangePremiumApps / AddStaffUser / ChangeStaffRole / RemoveStaffUser on
 *   the company's stream (tenant = companyId), carrying `partnerAdminIds` of the managing partner.
 * - ConnectOneDrive carries `linkedClientIds` (clients with a linked folder, from the folder links).
 * - OneDriveAccountChanged / OneDriveNeedsReconnect / OneDriveDisconnected → the sync pauses or re-checks links.
 * - StaffUserRemoved → UnassignStaff on every client the user was assigned to.
 */
import type { Decider } from '../core/decider.js';
import { ValidationError } from '../core/errors.js';
import { parseCommand } from '../core/validate.js';
import * as c from './commands.js';
import type { FirmCommand } from './commands.js';
import type { FirmEvent } from './events.js';
import { decideConnectOneDrive, decideDisconnectOneDrive, decideMarkOneDriveNeedsReconnect } from './onedrive.js';
import {
  decideChangeLicensingPartner,
  decideChangePremiumApps,
  decideClearBranding,
  decideSetInvitationReminders,
  decideCreateManagedCompany,
  decideDisablePartnerFeatures,
  decideEnablePartnerFeatures,
  decideSetBranding,
} from './partner-portal.js';
import {
  decideAddStaffUser,
  decideChangeStaffRole,
  decideCreateFirm,
  decideRemoveStaffUser,
  decideSetUpManagedCompany,
} from './staff.js';
import { evolveFirm, initialFirmState, type FirmState } from './state.js';

export const firmDecider: Decider<FirmCommand, FirmEvent, FirmState> = {
  initialState: initialFirmState,
  decide(command, state, ctx) {
    switch (command.type) {
      case 'CreateFirm':
        return decideCreateFirm(parseCommand(c.createFirm, command.data), state, ctx);
      case 'SetUpManagedCompany':
        return decideSetUpManagedCompany(parseCommand(c.setUpManagedCompany, command.data), state, ctx);
      case 'AddStaffUser':
        return decideAddStaffUser(parseCommand(c.addStaffUser, command.data), state, ctx);
      case 'ChangeStaffRole':
        return decideChangeStaffRole(parseCommand(c.changeStaffRole, command.data), state, ctx);
      case 'RemoveStaffUser':
        return decideRemoveStaffUser(parseCommand(c.removeStaffUser, command.data), state, ctx);
      case 'EnablePartnerFeatures':
        return decideEnablePartnerFeatures(parseCommand(c.enablePartnerFeatures, command.data), state, ctx);
      case 'DisablePartnerFeatures':
        parseCommand(c.disablePartnerFeatures, command.data);
        return decideDisablePartnerFeatures(state, ctx);
      case 'ChangeLicensingPartner':
        return decideChangeLicensingPartner(parseCommand(c.changeLicensingPartner, command.data), state, ctx);
      case 'CreateManagedCompany':
        return decideCreateManagedCompany(parseCommand(c.createManagedCompany, command.data), state, ctx);
      case 'ChangePremiumApps':
        return decideChangePremiumApps(parseCommand(c.changePremiumApps, command.data), state, ctx);
      case 'SetBranding':
        return decideSetBranding(parseCommand(c.setBranding, command.data), state, ctx);
      case 'ClearBranding':
        parseCommand(c.clearBranding, command.data);
        return decideClearBranding(state, ctx);
      case 'SetInvitationReminders':
        return decideSetInvitationReminders(parseCommand(c.setInvitationReminders, command.data), state, ctx);
      case 'ConnectOneDrive':
        return decideConnectOneDrive(parseCommand(c.connectOneDrive, command.data), state, ctx);
      case 'MarkOneDriveNeedsReconnect':
        return decideMarkOneDriveNeedsReconnect(parseCommand(c.markOneDriveNeedsReconnect, command.data), state, ctx);
      case 'DisconnectOneDrive':
        parseCommand(c.disconnectOneDrive, command.data);
        return decideDisconnectOneDrive(state, ctx);
      default:
        throw new ValidationError(`Unknown firm command ${JSON.stringify((command as { type?: unknown }).type)}.`);
    }
  },
  evolve: evolveFirm,
};
