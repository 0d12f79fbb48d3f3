import type { z } from 'zod';
import type { DecisionContext } from '../core/decider.js';
import { DomainError } from '../core/errors.js';
import { requireFirm, requireManagingPartnerAdmin, requireFirmPartnerAdmin, requirePartnerAdmin, requirePlatform } from './access.js';
import { brandColour, logo, sameBranding, supportChannel, type Branding } from './branding.js';
import type {
  changeLicensingPartner,
  changePremiumApps,
  createManagedCompany,
  enablePartnerFeatures,
  setBranding,
} from './commands.js';
import type { FirmEvent } from './events.js';
import { companyNameKey } from './names.js';
import { premiumAppSelection } from './premium-apps.js';
import type { FirmState } from './state.js';
import { requireDistinctUsers } from './staff.js';

export function decideEnablePartnerFeatures(
  data: z.output<typeof enablePartnerFeatures>,
  state: FirmState,
  ctx: DecisionContext,
): FirmEvent[] {
  requireFirm(state, ctx);
  requirePlatform(ctx);
  const { licensingPartner } = data;
  if (!state.partner.enabled) return [{ type: 'PartnerFeaturesEnabled', data: { firmId: state.id, licensingPartner } }];
  if (state.partner.licensingPartner === licensingPartner) return [];
  return [{ type: 'LicensingPartnerStatusChanged', data: { firmId: state.id, licensingPartner } }];
}

export function decideDisablePartnerFeatures(state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requirePlatform(ctx);
  if (!state.partner.enabled) return [];
  return [{ type: 'PartnerFeaturesDisabled', data: { firmId: state.id } }];
}

export function decideChangeLicensingPartner(
  data: z.output<typeof changeLicensingPartner>,
  state: FirmState,
  ctx: DecisionContext,
): FirmEvent[] {
  requireFirm(state, ctx);
  requirePlatform(ctx);
  if (!state.partner.enabled) {
    throw new DomainError('firm.partner_features_disabled', 'The partner portal is not enabled for this firm.');
  }
  if (state.partner.licensingPartner === data.licensingPartner) return [];
  return [{ type: 'LicensingPartnerStatusChanged', data: { firmId: state.id, licensingPartner: data.licensingPartner } }];
}

/**
 * Platform-wide name uniqueness is the application's reservation; here the partner refuses a name
 * it already manages. The company's admins default to the partner admin creating it.
 */
export function decideCreateManagedCompany(
  data: z.output<typeof createManagedCompany>,
  state: FirmState,
  ctx: DecisionContext,
): FirmEvent[] {
  requireFirm(state, ctx);
  const partnerAdmin = requirePartnerAdmin(state, ctx);
  const nameKey = companyNameKey(data.name);
  if (state.managedCompanies.some((c) => c.nameKey === nameKey)) {
    throw new DomainError('firm.company_name_taken', 'You must provide a unique company name in order to create the company.');
  }
  const companyId = data.companyId ?? ctx.newId();
  const admins = (data.admins ?? [partnerAdmin]).map(({ userId = ctx.newId(), name, email }) => ({ userId, name, email }));
  requireDistinctUsers(admins);
  return [
    {
      type: 'ManagedCompanyCreated',
      data: { firmId: state.id, companyId, name: data.name, premiumApps: premiumAppSelection(data.premiumApps), admins },
    },
  ];
}

/** Acts on the company's own stream: each app toggled on or off becomes one event. */
export function decideChangePremiumApps(data: z.output<typeof changePremiumApps>, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requireManagingPartnerAdmin(state, ctx, data.partnerAdminIds);
  const wanted = premiumAppSelection(data.premiumApps);
  const firmId = state.id;
  return [
    ...wanted.filter((app) => !state.premiumApps.includes(app)).map((app): FirmEvent => ({ type: 'PremiumAppSwitchedOn', data: { firmId, app } })),
    ...state.premiumApps.filter((app) => !wanted.includes(app)).map((app): FirmEvent => ({ type: 'PremiumAppSwitchedOff', data: { firmId, app } })),
  ];
}

export function decideSetBranding(data: z.output<typeof setBranding>, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requirePartnerAdmin(state, ctx);
  if (!state.partner.licensingPartner) {
    throw new DomainError('firm.not_licensing_partner', 'Partner branding is limited to licensing partners. Please contact support.');
  }
  const branding: Branding = {
    logo: data.logo === null ? null : logo(data.logo),
    primaryColour: data.primaryColour === null ? null : brandColour(data.primaryColour),
    supportChannel: data.supportChannel === null ? null : supportChannel(data.supportChannel),
  };
  if (sameBranding(state.branding, branding)) return [];
  return [{ type: 'BrandingChanged', data: { firmId: state.id, branding } }];
}

/** A firm setting: partner admins turn the invitation reminder on or off. */
export function decideSetInvitationReminders(data: { enabled: boolean }, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requireFirmPartnerAdmin(state, ctx, 'change the firm settings');
  if (state.invitationReminders === data.enabled) return [];
  return [{ type: 'InvitationRemindersSet', data: { firmId: state.id, enabled: data.enabled } }];
}

/** Clearing needs partner admin rights but not the licensing flag, so a former licensing partner can clean up. */
export function decideClearBranding(state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requirePartnerAdmin(state, ctx);
  if (state.branding === null) return [];
  return [{ type: 'BrandingCleared', data: { firmId: state.id } }];
}
