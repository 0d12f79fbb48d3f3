/**
 * Firms: creation, staff users, partner features and branding. Managed companies (the partner
 * portal) live in managed-companies.ts, the OneDrive connection in onedrive-connection.ts; both are
 * re-exported here.
 *
 * Process rules wired here:
 * - StaffUserRemoved → UnassignStaff on every client of the firm the user was assigned to.
 */
import { z } from 'zod';
import { DomainError, PortalError } from '../core/errors.js';
import { idempotencyKey } from '../core/idempotency.js';
import { release } from '../core/reservation.js';
import { clientDecider } from '../client/decider.js';
import { defaultBranding, type Branding } from '../firm/branding.js';
import { effectiveBranding } from '../firm/effective-branding.js';
import * as c from '../firm/commands.js';
import { companyNameKey } from '../firm/names.js';
import type { FirmState } from '../firm/state.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { callerIsPartnerAdmin, firmInScope, firmNotFound, loadFirm } from './firm-scope.js';
import { id, noInput, parseRequest } from './input.js';
import { streamHas } from './tenant-scan.js';
import { firmAsItStands, runFirm, type FirmChange } from './firm-change.js';
import { requireFirmSide } from './tenant-guards.js';
import { claimCompanyName } from './managed-companies.js';
import { latest } from './written.js';

export { changePremiumApps, createManagedCompany, listManagedCompanies } from './managed-companies.js';
export { connectOneDrive, disconnectOneDrive, markOneDriveNeedsReconnect } from './onedrive-connection.js';
export type { FirmChange } from './firm-change.js';

export const createFirmInput = c.createFirm.extend({ idempotencyKey: idempotencyKey.optional() });

/** Opens a new firm with its first partner admin; the new firm's id is its tenant id. Retry-safe with an `idempotencyKey`. */
export async function createFirm(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof createFirmInput>,
): Promise<FirmChange & { partnerAdminId: string }> {
  const { idempotencyKey: key, ...data } = parseRequest(caller, createFirmInput, input);
  // Refused before the name is claimed, so a refusal leaves nothing behind (the decider checks it too).
  if (caller.actor.kind !== 'platform') throw new DomainError('firm.platform_only', 'Firms are opened by the platform operator, not by a firm.');
  return ctx.once(caller, { operation: 'createFirm', key, input: data, create: (firmId) => openFirm(ctx, caller, data, firmId) });
}

async function openFirm(ctx: AppContext, caller: Caller, data: z.output<typeof c.createFirm>, firmId: string) {
  const request = ctx.correlate({ ...caller, tenantId: firmId });
  // Company names are unique across the platform: a firm's name is claimed like a managed company's.
  const reservation = { kind: 'company-name', key: companyNameKey(data.name), ownerId: firmId };
  await claimCompanyName(ctx, reservation, request);
  try {
    const { result, change } = await runFirm(ctx, request, { type: 'CreateFirm', data });
    return { ...change, partnerAdminId: result.state.staff[0]!.userId };
  } catch (error) {
    // An earlier attempt with the key (crashed, or concurrent) opened it: that firm is the result.
    const opened = error instanceof PortalError && error.code === 'firm.already_exists' ? await loadFirm(ctx, firmId) : null;
    if (opened) return { ...(await firmAsItStands(ctx, firmId)), partnerAdminId: opened.staff[0]!.userId };
    await release(ctx.reservations, reservation, request);
    throw error;
  }
}

/** `firmId`: a company the caller's firm manages (a partner admin's); omitted, the caller's own firm. */
const inFirm = { firmId: id.optional() };
export const addStaffUserInput = c.addStaffUser.omit({ partnerAdminIds: true }).extend({ ...inFirm, idempotencyKey: idempotencyKey.optional() });

/** Adds a staff user to the caller's firm (or, for a partner admin, to a managed company: `firmId`). Retry-safe with an `idempotencyKey`. */
export async function addStaffUser(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof addStaffUserInput>,
): Promise<FirmChange & { userId: string }> {
  const { idempotencyKey: key, ...data } = parseRequest(caller, addStaffUserInput, input);
  return addStaff(ctx, caller, 'addStaffUser', key, data);
}

/** Adds a staff user once per key; the key names the new user's id unless the host chose one. */
async function addStaff(
  ctx: AppContext,
  caller: Caller,
  operation: string,
  key: string | undefined,
  data: Omit<z.output<typeof addStaffUserInput>, 'idempotencyKey'>,
): Promise<FirmChange & { userId: string }> {
  const { firmId, user, role } = data;
  const { as, partnerAdminIds } = await firmInScope(ctx, caller, firmId);
  return ctx.once(caller, {
    operation,
    key,
    input: data,
    create: async (keyedId) => {
      const userId = user.userId ?? keyedId;
      try {
        const { change } = await runFirm(ctx, as, { type: 'AddStaffUser', data: { user: { ...user, userId }, role, partnerAdminIds } });
        return { ...change, userId };
      } catch (error) {
        // An earlier attempt with the key (crashed, or concurrent) added them: that is the result.
        if (!(key !== undefined && error instanceof PortalError && error.code === 'firm.staff_already_added')) throw error;
        return { ...(await firmAsItStands(ctx, as.tenantId)), userId };
      }
    },
  });
}

export const changeStaffRoleInput = c.changeStaffRole.omit({ partnerAdminIds: true }).extend(inFirm);

/** Changes a staff user's role; a firm keeps at least one partner admin. */
export async function changeStaffRole(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof changeStaffRoleInput>,
): Promise<FirmChange> {
  const { firmId, userId, role } = parseRequest(caller, changeStaffRoleInput, input);
  const { as, partnerAdminIds } = await firmInScope(ctx, caller, firmId);
  return (await runFirm(ctx, as, { type: 'ChangeStaffRole', data: { userId, role, partnerAdminIds } })).change;
}

export const removeStaffUserInput = c.removeStaffUser.omit({ partnerAdminIds: true }).extend(inFirm);

/**
 * Removes a staff user, then unassigns them from every client of the firm. Rerunning after a crash
 * half-way finishes the unassigning, then reports the refusal (the user is already gone).
 */
export async function removeStaffUser(
  ctx: AppContext,
  caller: Caller,
  asked: z.input<typeof removeStaffUserInput>,
): Promise<FirmChange & { unassignedFrom: string[] }> {
  const input = parseRequest(caller, removeStaffUserInput, asked);
  const request = ctx.correlate(caller);
  const { as, partnerAdminIds } = await firmInScope(ctx, request, input.firmId);
  const followUp = { ...as, causationId: request.correlationId };
  try {
    const { change } = await runFirm(ctx, as, { type: 'RemoveStaffUser', data: { userId: input.userId, partnerAdminIds } });
    const unassigned = await unassignFromClients(ctx, followUp, input.userId);
    return { ...change, position: latest(change.position, unassigned.position), unassignedFrom: unassigned.clientIds };
  } catch (error) {
    const removedBefore =
      error instanceof DomainError &&
      error.code === 'firm.staff_not_found' &&
      (await streamHas(ctx, streams.firm(as.tenantId), 'StaffUserRemoved', (d) => d.userId === input.userId));
    if (removedBefore) await unassignFromClients(ctx, followUp, input.userId);
    throw error;
  }
}

/**
 * UnassignStaff on every current client the user is assigned to, as the client list read model
 * knows them once it has caught up with this request's writes (the decider no-ops where they no
 * longer are). Archived clients refuse every change and are not listed; restoreClient prunes them later.
 */
export async function unassignFromClients(
  ctx: AppContext,
  caller: Caller & { causationId?: string },
  userId: string,
): Promise<{ clientIds: string[]; position: number | null }> {
  parseRequest(caller, id, userId);
  const clientIds = await (await ctx.views()).clientList.clientsAssignedTo(caller.tenantId, userId);
  const unassigned: string[] = [];
  let position: number | null = null;
  for (const clientId of clientIds) {
    try {
      const result = await ctx.execute(clientDecider, streams.client(clientId), { type: 'UnassignStaff', data: { userId } }, caller);
      if (result.events.length > 0) unassigned.push(clientId);
      if (result.events.length > 0) position = result.position;
    } catch (error) {
      if (!(error instanceof PortalError && error.code === 'client.archived')) throw error;
    }
  }
  return { clientIds: unassigned, position };
}

export const addCompanyAdminInput = z.strictObject({ companyId: id, admin: c.addStaffUser.shape.user, idempotencyKey: idempotencyKey.optional() });

/** Adds an admin to a managed company: a staff user with the partner admin role on the company's stream. Retry-safe with an `idempotencyKey`. */
export async function addCompanyAdmin(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof addCompanyAdminInput>,
): Promise<FirmChange & { userId: string }> {
  const { companyId, admin, idempotencyKey: key } = parseRequest(caller, addCompanyAdminInput, input);
  return addStaff(ctx, caller, 'addCompanyAdmin', key, { firmId: companyId, user: admin, role: 'partner_admin' });
}

export const removeCompanyAdminInput = z.strictObject({ companyId: id, userId: id });

/** Removes a company admin (the company keeps at least one), with the same unassigning as any staff user. */
export async function removeCompanyAdmin(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof removeCompanyAdminInput>,
): Promise<FirmChange & { unassignedFrom: string[] }> {
  const { companyId, userId } = parseRequest(caller, removeCompanyAdminInput, input);
  return removeStaffUser(ctx, caller, { firmId: companyId, userId });
}

/** Only the platform operator (actor `{ kind: 'platform' }`) acts on any firm by id. */
function asPlatformOn(caller: Caller, firmId: string): Caller {
  if (caller.actor.kind !== 'platform') {
    throw new DomainError('firm.platform_only', 'Partner features are switched on and off by the platform operator, not by a firm.');
  }
  return { ...caller, tenantId: firmId };
}

const onFirm = { firmId: id };
export const enablePartnerFeaturesInput = c.enablePartnerFeatures.extend(onFirm);

/** Platform: switches the partner portal on (or changes the licensing flag when already on). */
export async function enablePartnerFeatures(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof enablePartnerFeaturesInput>,
): Promise<FirmChange> {
  const { firmId, ...data } = parseRequest(caller, enablePartnerFeaturesInput, input);
  return (await runFirm(ctx, asPlatformOn(caller, firmId), { type: 'EnablePartnerFeatures', data })).change;
}

export const disablePartnerFeaturesInput = z.strictObject(onFirm);

/** Platform: switches the partner portal off; the partner's admins can no longer act on its managed companies. */
export async function disablePartnerFeatures(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof disablePartnerFeaturesInput>,
): Promise<FirmChange> {
  const { firmId } = parseRequest(caller, disablePartnerFeaturesInput, input);
  return (await runFirm(ctx, asPlatformOn(caller, firmId), { type: 'DisablePartnerFeatures', data: {} })).change;
}

export const changeLicensingPartnerInput = c.changeLicensingPartner.extend(onFirm);

/** Platform: makes a partner a licensing partner (branding) or not. */
export async function changeLicensingPartner(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof changeLicensingPartnerInput>,
): Promise<FirmChange> {
  const { firmId, ...data } = parseRequest(caller, changeLicensingPartnerInput, input);
  return (await runFirm(ctx, asPlatformOn(caller, firmId), { type: 'ChangeLicensingPartner', data })).change;
}

/** A licensing partner's partner admin sets the branding its managed companies show. */
export async function setBranding(ctx: AppContext, caller: Caller, input: z.input<typeof c.setBranding>): Promise<FirmChange> {
  const data = parseRequest(caller, c.setBranding, input);
  return (await runFirm(ctx, caller, { type: 'SetBranding', data })).change;
}

/** Turns the reminder before an invitation expires on or off (a partner admin's firm setting; on by default). */
export async function setInvitationReminders(ctx: AppContext, caller: Caller, input: z.input<typeof c.setInvitationReminders>): Promise<FirmChange> {
  const data = parseRequest(caller, c.setInvitationReminders, input);
  return (await runFirm(ctx, caller, { type: 'SetInvitationReminders', data })).change;
}

/** Back to the platform's default look. */
export async function clearBranding(ctx: AppContext, caller: Caller, input?: z.input<typeof noInput>): Promise<FirmChange> {
  parseRequest(caller, noInput, input);
  return (await runFirm(ctx, caller, { type: 'ClearBranding', data: {} })).change;
}

/** Which firm a read is about: a company the caller's firm manages, or (omitted) the caller's own firm. */
export const onFirmOrOwn = z.strictObject(inFirm).optional();

/** The branding a firm's users see: a managed company shows its partner's. */
export async function effectiveBrandingOf(ctx: AppContext, caller: Caller, input?: z.input<typeof onFirmOrOwn>): Promise<Branding> {
  const firmId = parseRequest(caller, onFirmOrOwn, input)?.firmId;
  const { firm } = await firmInScope(ctx, caller, firmId);
  if (!firm) throw firmNotFound();
  if (firm.managedBy === null) return effectiveBranding(firm);
  const partner = await loadFirm(ctx, firm.managedBy);
  return partner ? effectiveBranding(firm, partner) : defaultBranding;
}

/**
 * A firm's state: the caller's own firm, or (for a partner admin of the managing partner) one of its
 * managed companies. Anything else reads as not found; a client's contact cannot read it (staff data).
 */
export async function getFirm(ctx: AppContext, caller: Caller, input?: z.input<typeof onFirmOrOwn>): Promise<FirmState> {
  const firmId = parseRequest(caller, onFirmOrOwn, input)?.firmId;
  await requireFirmSide(ctx, caller);
  const { firm } = await firmInScope(ctx, caller, firmId);
  if (!firm) throw firmNotFound();
  if (firm.id !== caller.tenantId && !(await callerIsPartnerAdmin(ctx, caller))) throw firmNotFound();
  return firm;
}
