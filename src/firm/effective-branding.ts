import { defaultBranding, type Branding } from './branding.js';
import { hasActiveBranding, type FirmState } from './state.js';

/**
 * The branding a firm's users see: a managed company shows its partner's branding, any other firm
 * its own; branding applies only while the firm holding it is a licensing partner, else the defaults.
 */
export function effectiveBranding(firm: FirmState, partner?: FirmState): Branding {
  if (firm.managedBy === null) return brandingHeldBy(firm);
  if (partner === undefined || partner.id !== firm.managedBy) return defaultBranding;
  return brandingHeldBy(partner);
}

function brandingHeldBy(firm: FirmState): Branding {
  return hasActiveBranding(firm) && firm.branding ? firm.branding : defaultBranding;
}
