/** Which firm a caller may see or act on, and the facts firm commands need about it. */
import { DomainError, NotFoundError } from '../core/errors.js';
import { firmDecider } from '../firm/decider.js';
import { partnerAdminsOf, type FirmState } from '../firm/state.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';

/** Another tenant's firm reads exactly like a firm that does not exist. */
export const firmNotFound = () => new NotFoundError('firm.not_found', 'This firm does not exist.');

/** Loads a firm, or null when it does not exist. */
export async function loadFirm(ctx: AppContext, firmId: string): Promise<FirmState | null> {
  const { state } = await ctx.load(firmDecider, streams.firm(firmId));
  return state.status === 'new' ? null : state;
}

/** The managing partner's admins act on its companies only while the platform has partner features on. */
const partnerAdminIdsOf = (partner: FirmState | null) => (partner?.partner.enabled ? partnerAdminsOf(partner).map((s) => s.userId) : []);

export const partnerFeaturesDisabled = () =>
  new DomainError('firm.partner_features_disabled', 'The partner portal is not enabled for this firm. Please contact support.');

/**
 * The firm a caller may act on: their own, or a company managed by their firm while the firm's
 * partner features are on. Returns the caller re-scoped to that firm's tenant and the managing
 * partner's admin ids (the decider's fact; none while the partner's features are off).
 */
export async function firmInScope(ctx: AppContext, caller: Caller, firmId: string = caller.tenantId) {
  const firm = await loadFirm(ctx, firmId);
  if (firmId !== caller.tenantId && firm?.managedBy !== caller.tenantId) throw firmNotFound();
  const partner = firm?.managedBy ? await loadFirm(ctx, firm.managedBy) : null;
  if (firmId !== caller.tenantId && !partner?.partner.enabled) throw partnerFeaturesDisabled();
  return { firm, as: { ...caller, tenantId: firmId }, partnerAdminIds: partnerAdminIdsOf(partner) };
}

/** True when the caller is a staff user with the partner admin role in their own firm. */
export async function callerIsPartnerAdmin(ctx: AppContext, caller: Caller): Promise<boolean> {
  const own = await loadFirm(ctx, caller.tenantId);
  const { actor } = caller;
  return actor.kind === 'staff' && own !== null && partnerAdminsOf(own).some((s) => s.userId === actor.userId);
}
