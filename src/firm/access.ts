import type { DecisionContext } from '../core/decider.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import type { FirmState, StaffUser } from './state.js';

/** The firm must exist, inside the caller's tenant. */
export function requireFirm(state: FirmState, ctx: DecisionContext): void {
  if (state.status === 'new' || state.id !== ctx.tenantId) throw new NotFoundError('firm.not_found', 'This firm does not exist.');
}

/** The acting staff user of this firm, if the actor is one. */
export function actingStaffUser(state: FirmState, ctx: DecisionContext): StaffUser | undefined {
  const { actor } = ctx;
  return actor.kind === 'staff' ? state.staff.find((s) => s.userId === actor.userId) : undefined;
}

/** Only the platform operator opens firms and switches partner features. */
export function requirePlatform(ctx: DecisionContext, what = 'Partner features are switched on and off'): void {
  if (ctx.actor.kind !== 'platform') throw new DomainError('firm.platform_only', `${what} by the platform operator, not by a firm.`);
}

/** The actor must be a partner admin of this firm (partner features or not). */
export function requireFirmPartnerAdmin(state: FirmState, ctx: DecisionContext, what: string): StaffUser {
  const user = requireStaffUser(state, ctx);
  if (user.role !== 'partner_admin') throw new DomainError('firm.not_partner_admin', `Only partner admins ${what}.`);
  return user;
}

/** The actor must be one of this firm's staff users, of any role. */
export function requireStaffUser(state: FirmState, ctx: DecisionContext): StaffUser {
  const user = actingStaffUser(state, ctx);
  if (!user) throw new DomainError('firm.not_staff', 'Only staff users of this firm may do this.');
  return user;
}

/** Partner features are on and the actor is a partner admin of this firm. */
export function requirePartnerAdmin(state: FirmState, ctx: DecisionContext): StaffUser {
  if (!state.partner.enabled) {
    throw new DomainError('firm.partner_features_disabled', 'The partner portal is not enabled for this firm. Please contact support.');
  }
  const user = actingStaffUser(state, ctx);
  if (user?.role !== 'partner_admin') {
    throw new DomainError('firm.not_partner_admin', 'Only partner admins have access to the partner portal.');
  }
  return user;
}

/** True when the actor is a partner admin of the partner firm managing this company. */
export function isManagingPartnerAdmin(state: FirmState, ctx: DecisionContext, partnerAdminIds: readonly string[]): boolean {
  return state.managedBy !== null && ctx.actor.kind === 'staff' && partnerAdminIds.includes(ctx.actor.userId);
}

/** For changes only the managing partner makes to a managed company (its premium apps). */
export function requireManagingPartnerAdmin(state: FirmState, ctx: DecisionContext, partnerAdminIds: readonly string[]): void {
  if (state.managedBy === null) throw new DomainError('firm.not_managed_company', 'This firm is not a managed company.');
  if (!isManagingPartnerAdmin(state, ctx, partnerAdminIds)) {
    throw new DomainError('firm.not_managing_partner_admin', 'Only partner admins of the managing partner may change this company.');
  }
}

/** Staff are managed by the firm's partner admins, and for a managed company also by its partner's admins. */
export function requireStaffManager(state: FirmState, ctx: DecisionContext, partnerAdminIds: readonly string[]): void {
  if (actingStaffUser(state, ctx)?.role === 'partner_admin') return;
  if (isManagingPartnerAdmin(state, ctx, partnerAdminIds)) return;
  throw new DomainError('firm.not_partner_admin', 'Only partner admins may manage staff users.');
}
