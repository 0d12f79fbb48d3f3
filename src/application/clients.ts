/**
 * Clients: individuals and groups, their members (owners and guests), preliminary data,
 * subscription and assigned staff. Every operation is the firm's (contacts are refused).
 *
 * Process rules wired here, in the same request (follow-ups caused by the request's correlation id):
 * - Members joining and leaving: see client-members.ts (re-exported here).
 * - ClientArchived → for every contact in `contactIds`: closeAccess { via: 'client_archived' }
 *   and cancelInvitation { reason: 'client_archived' } (both no-ops when nothing is open).
 * - ClientRestored → UnassignStaff for assigned users no longer on the firm's staff (they were removed
 *   while the client was archived, when the client refused the unassigning).
 * - RemoveContactEmail is refused for the login email of open portal access (change the login email first).
 * A request refused because it already happened (member already removed, client already archived)
 * still completes its follow-ups before reporting the refusal, so rerunning after a crash converges.
 */
import { z } from 'zod';
import { DomainError } from '../core/errors.js';
import { idempotencyKey } from '../core/idempotency.js';
import * as c from '../client/commands.js';
import type { ClientState } from '../client/state.js';
import { streams } from '../streams.js';
import { closeAccess } from './access.js';
import type { AppContext, Caller } from './context.js';
import { firmNotFound, loadFirm } from './firm-scope.js';
import { cancelOpenInvitation } from './invitations.js';
import { loadAccess } from './issue-invitation.js';
import { streamHas } from './tenant-scan.js';
import { id, parseRequest } from './input.js';
import { followUp, loadActiveClient, loadClient, requireFirmSide, requireMember, type ProcessCaller } from './tenant-guards.js';
import { latest } from './written.js';
import { isRefusal, runClient, type ClientChange } from './client-change.js';

export { addGuest, addOwner, removeMember } from './client-members.js';
export type { ClientChange } from './client-change.js';

export const createClientInput = c.createClient.omit({ clientId: true }).extend({ idempotencyKey: idempotencyKey.optional() });

/**
 * Creates a client of the caller's firm: an individual with one owner, or a group with its owners.
 * With an `idempotencyKey`, a retry returns the first result (see src/core/idempotency.ts).
 */
export async function createClient(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof createClientInput>,
): Promise<ClientChange & { ownerIds: string[] }> {
  const { idempotencyKey: key, ...data } = parseRequest(caller, createClientInput, input);
  await requireFirmSide(ctx, caller);
  if (!(await loadFirm(ctx, caller.tenantId))) throw firmNotFound();
  return ctx.once(caller, {
    operation: 'createClient',
    key,
    input: data,
    create: async (clientId) => {
      try {
        const { result, change } = await runClient(ctx, caller, clientId, { type: 'CreateClient', data: { ...data, clientId } });
        return { ...change, ownerIds: result.state.members.map((m) => m.contactId) };
      } catch (error) {
        // An earlier attempt with the key (crashed, or running concurrently) created it: report that
        // client as created (`changed`), since the result is the keyed request's.
        if (!isRefusal(error, 'client.already_exists')) throw error;
        const client = await loadClient(ctx, caller.tenantId, clientId);
        const [last] = await ctx.log.readStream(streams.client(clientId), { direction: 'backwards', maxCount: 1 });
        const ownerIds = client.members.filter((m) => m.role === 'owner').map((m) => m.contactId);
        return { clientId, revision: last!.revision, position: last!.position, changed: true, ownerIds };
      }
    },
  });
}

export const renameClientInput = c.renameClient.extend({ clientId: id });

/** Renames the client (a group's name, or an individual's chosen display name). */
export async function renameClient(ctx: AppContext, caller: Caller, input: z.input<typeof renameClientInput>): Promise<ClientChange> {
  const { clientId, name } = parseRequest(caller, renameClientInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RenameClient', data: { name } })).change;
}

export const recordPreliminaryDataInput = c.recordPreliminaryData.extend({ clientId: id });

/** Sets (adds or changes) preliminary data fields. */
export async function recordPreliminaryData(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof recordPreliminaryDataInput>,
): Promise<ClientChange> {
  const { clientId, fields } = parseRequest(caller, recordPreliminaryDataInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RecordPreliminaryData', data: { fields } })).change;
}

export const removePreliminaryDataInput = c.removePreliminaryData.extend({ clientId: id });

/** Removes preliminary data fields (the ones not present are ignored). */
export async function removePreliminaryData(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof removePreliminaryDataInput>,
): Promise<ClientChange> {
  const { clientId, fieldNames } = parseRequest(caller, removePreliminaryDataInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RemovePreliminaryData', data: { fieldNames } })).change;
}

export const changeSubscriptionInput = c.changeSubscription.extend({ clientId: id });

/** Moves the client to another subscription plan. */
export async function changeSubscription(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof changeSubscriptionInput>,
): Promise<ClientChange> {
  const { clientId, plan } = parseRequest(caller, changeSubscriptionInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'ChangeSubscription', data: { plan } })).change;
}

export const assignStaffInput = c.assignStaff.omit({ firmStaffIds: true }).extend({ clientId: id });

/** Assigns one of the firm's staff users to the client. */
export async function assignStaff(ctx: AppContext, caller: Caller, input: z.input<typeof assignStaffInput>): Promise<ClientChange> {
  const { clientId, userId } = parseRequest(caller, assignStaffInput, input);
  const firm = await loadFirm(ctx, caller.tenantId);
  const firmStaffIds = firm?.staff.map((s) => s.userId) ?? [];
  return (await runClient(ctx, caller, clientId, { type: 'AssignStaff', data: { userId, firmStaffIds } })).change;
}

export const unassignStaffInput = c.unassignStaff.extend({ clientId: id });

/** Unassigns a staff user from the client (a no-op when not assigned). */
export async function unassignStaff(ctx: AppContext, caller: Caller, input: z.input<typeof unassignStaffInput>): Promise<ClientChange> {
  const { clientId, userId } = parseRequest(caller, unassignStaffInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'UnassignStaff', data: { userId } })).change;
}

export const renameContactInput = c.renameContact.extend({ clientId: id });

/** Renames a member. */
export async function renameContact(ctx: AppContext, caller: Caller, input: z.input<typeof renameContactInput>): Promise<ClientChange> {
  const { clientId, ...data } = parseRequest(caller, renameContactInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RenameContact', data })).change;
}

export const addContactEmailInput = c.addContactEmail.extend({ clientId: id });

/** Adds an email address to a member (a no-op when they have it). */
export async function addContactEmail(ctx: AppContext, caller: Caller, input: z.input<typeof addContactEmailInput>): Promise<ClientChange> {
  const { clientId, ...data } = parseRequest(caller, addContactEmailInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'AddContactEmail', data })).change;
}

export const removeContactEmailInput = c.removeContactEmail.extend({ clientId: id });

/**
 * Removes one of a member's email addresses (never the last one, nor the login email of their open
 * portal access: the firm changes the login email first).
 */
export async function removeContactEmail(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof removeContactEmailInput>,
): Promise<ClientChange> {
  const { clientId, ...data } = parseRequest(caller, removeContactEmailInput, input);
  await requireFirmSide(ctx, caller);
  const member = requireMember(await loadActiveClient(ctx, caller.tenantId, clientId), data.contactId);
  if (member.emails.includes(data.email)) {
    const access = await loadAccess(ctx, caller.tenantId, member.contactId);
    if ((access.status === 'pending' || access.status === 'active') && access.loginEmail === data.email) {
      throw new DomainError(
        'client.login_email_in_use',
        "This address is the contact's login email for the portal. Change the login email first, then remove the address.",
      );
    }
  }
  return (await runClient(ctx, caller, clientId, { type: 'RemoveContactEmail', data })).change;
}

export const onClientInput = z.strictObject({ clientId: id });

/** Archives the client: every member's portal access is closed and open invitation cancelled. */
export async function archiveClient(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof onClientInput>,
): Promise<ClientChange & { contactIds: string[] }> {
  const { clientId } = parseRequest(caller, onClientInput, input);
  const request = ctx.correlate(caller);
  try {
    const { result, change } = await runClient(ctx, request, clientId, { type: 'ArchiveClient', data: {} });
    const archived = result.events[0];
    const contactIds = archived?.type === 'ClientArchived' ? archived.data.contactIds : [];
    return { ...change, position: latest(change.position, await shutOut(ctx, followUp(request), contactIds)), contactIds };
  } catch (error) {
    const archived = isRefusal(error, 'client.archived') ? await streamHas(ctx, streams.client(clientId), 'ClientArchived') : undefined;
    if (archived) await shutOut(ctx, followUp(request), (archived.data as { contactIds: string[] }).contactIds);
    throw error;
  }
}

/** Returns the position of the last event it appended, if any. */
async function shutOut(ctx: AppContext, caller: ProcessCaller, contactIds: readonly string[]): Promise<number | null> {
  let position: number | null = null;
  for (const contactId of contactIds) {
    const closed = await closeAccess(ctx, caller, { contactId, via: 'client_archived' });
    const cancelled = await cancelOpenInvitation(ctx, caller, { contactId, reason: 'client_archived' });
    position = latest(position, closed.changed ? closed.position : null, cancelled.changed ? cancelled.position : null);
  }
  return position;
}

/**
 * Restores an archived client. Access and invitations stay closed (the firm re-opens them); staff
 * users removed from the firm meanwhile are unassigned.
 */
export async function restoreClient(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof onClientInput>,
): Promise<ClientChange & { unassigned: string[] }> {
  const { clientId } = parseRequest(caller, onClientInput, input);
  const request = ctx.correlate(caller);
  const { result, change } = await runClient(ctx, request, clientId, { type: 'RestoreClient', data: {} });
  const firm = await loadFirm(ctx, request.tenantId);
  const staffIds = new Set(firm?.staff.map((s) => s.userId) ?? []);
  const unassigned = result.state.assignedStaff.filter((userId) => !staffIds.has(userId));
  let { revision, position } = change;
  for (const userId of unassigned) {
    ({ revision, position } = (await runClient(ctx, followUp(request), clientId, { type: 'UnassignStaff', data: { userId } })).change);
  }
  return { ...change, revision, position, unassigned };
}

/** The client's state, inside the caller's firm (another firm's client reads as not found). */
export async function getClient(ctx: AppContext, caller: Caller, input: z.input<typeof onClientInput>): Promise<ClientState> {
  const { clientId } = parseRequest(caller, onClientInput, input);
  await requireFirmSide(ctx, caller);
  return loadClient(ctx, caller.tenantId, clientId);
}
