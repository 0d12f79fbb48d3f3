import type { z } from 'zod';
import type { DecisionContext } from '../core/decider.js';
import { DomainError } from '../core/errors.js';
import { requireFirm, requirePlatform, requireStaffManager } from './access.js';
import type { addStaffUser, changeStaffRole, createFirm, removeStaffUser, setUpManagedCompany } from './commands.js';
import type { FirmEvent } from './events.js';
import { premiumAppSelection } from './premium-apps.js';
import { partnerAdminsOf, type FirmState, type StaffUser } from './state.js';

export function decideCreateFirm(data: z.output<typeof createFirm>, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requirePlatform(ctx, 'Firms are opened');
  requireNew(state);
  const { userId = ctx.newId(), name, email } = data.partnerAdmin;
  const firstPartnerAdmin: StaffUser = { userId, name, email, role: 'partner_admin' };
  return [
    { type: 'FirmCreated', data: { firmId: ctx.tenantId, name: data.name, staff: [firstPartnerAdmin], managedBy: null, premiumApps: [] } },
  ];
}

/** The company's own stream opens with its admins as partner admins, so "≥1 company admin" is "≥1 partner admin". */
export function decideSetUpManagedCompany(
  data: z.output<typeof setUpManagedCompany>,
  state: FirmState,
  ctx: DecisionContext,
): FirmEvent[] {
  requireNew(state);
  if (ctx.actor.kind !== 'staff' || !data.partnerAdminIds.includes(ctx.actor.userId)) {
    throw new DomainError('firm.not_managing_partner_admin', 'Only partner admins of the managing partner may set up this company.');
  }
  const admins = data.admins.map((admin): StaffUser => ({ ...admin, role: 'partner_admin' }));
  requireDistinctUsers(admins);
  return [
    {
      type: 'FirmCreated',
      data: { firmId: ctx.tenantId, name: data.name, staff: admins, managedBy: data.managedBy, premiumApps: premiumAppSelection(data.premiumApps) },
    },
  ];
}

export function decideAddStaffUser(data: z.output<typeof addStaffUser>, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requireStaffManager(state, ctx, data.partnerAdminIds);
  const { userId = ctx.newId(), name, email } = data.user;
  requireDistinctUsers([...state.staff, { userId, name, email, role: data.role }]);
  return [{ type: 'StaffUserAdded', data: { firmId: state.id, user: { userId, name, email }, role: data.role } }];
}

export function decideChangeStaffRole(data: z.output<typeof changeStaffRole>, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requireStaffManager(state, ctx, data.partnerAdminIds);
  const user = requireStaffMember(state, data.userId);
  if (user.role === data.role) return [];
  if (user.role === 'partner_admin') requireAnotherPartnerAdmin(state, user.userId);
  return [{ type: 'StaffRoleChanged', data: { firmId: state.id, userId: user.userId, role: data.role } }];
}

export function decideRemoveStaffUser(data: z.output<typeof removeStaffUser>, state: FirmState, ctx: DecisionContext): FirmEvent[] {
  requireFirm(state, ctx);
  requireStaffManager(state, ctx, data.partnerAdminIds);
  const user = requireStaffMember(state, data.userId);
  if (user.role === 'partner_admin') requireAnotherPartnerAdmin(state, user.userId);
  return [{ type: 'StaffUserRemoved', data: { firmId: state.id, userId: user.userId } }];
}

function requireNew(state: FirmState): void {
  if (state.status !== 'new') throw new DomainError('firm.already_exists', 'This firm already exists.');
}

function requireStaffMember(state: FirmState, userId: string): StaffUser {
  const user = state.staff.find((s) => s.userId === userId);
  if (!user) throw new DomainError('firm.staff_not_found', 'This user is not a staff user of the firm.');
  return user;
}

/** A firm always keeps at least one partner admin; a managed company, at least one admin. */
function requireAnotherPartnerAdmin(state: FirmState, leavingUserId: string): void {
  if (partnerAdminsOf(state).some((s) => s.userId !== leavingUserId)) return;
  throw new DomainError(
    'firm.last_partner_admin',
    state.managedBy === null ? 'A firm must keep at least one partner admin.' : 'The company must have at least one admin user.',
  );
}

/** No user twice, and no email address shared by two staff users of one firm. */
export function requireDistinctUsers(users: ReadonlyArray<{ userId: string; email: string }>): void {
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const { userId, email } of users) {
    if (ids.has(userId)) throw new DomainError('firm.staff_already_added', 'This user is already a staff user of the firm.');
    if (emails.has(email)) throw new DomainError('firm.staff_email_taken', 'Another staff user already has this email address.');
    ids.add(userId);
    emails.add(email);
  }
}
