/**
 * Clients: individuals and groups, their members (owners and guests), preliminary data,
 * subscription and assigned staff. Every operation is the firm's (contacts are refused).
 *
 * Process rules wired here, in the same request (follow-ups caused by the request's correlation id):
 * - GuestAdded + InvitationRequested → issueInvitation { reason: 'guest_added' } to the guest's email.
 * - MemberRemoved → cancelInvitation { reason: 'member_removed' } and, when the member's portal access
 *   is open, closeAccess { via: 'access_window' }. There is no 'member_removed' close reason; the
 *   access window's "Close access to the portal" is the closest: the firm closing one contact's access.
 * - ClientArchived → for every contact in `contactIds`: closeAccess { via: 'client_archived' }
 *   and cancelInvitation { reason: 'client_archived' } (both no-ops when nothing is open).
 * - ClientRestored → UnassignStaff for assigned users no longer on the firm's staff (they were removed
 *   while the client was archived, when the client refused the unassigning).
 * - RemoveContactEmail is refused for the login email of open portal access (change the login email first).
 * A request refused because it already happened (member already removed, client already archived)
 * still completes its follow-ups before reporting the refusal, so rerunning after a crash converges.
 */
import { z } from 'zod';
import { DomainError, PortalError } from '../core/errors.js';
import { idempotencyKey } from '../core/idempotency.js';
import * as c from '../client/commands.js';
import type { ClientCommand } from '../client/commands.js';
import { clientDecider } from '../client/decider.js';
import type { ClientState } from '../client/state.js';
import { streams } from '../streams.js';
import { closeAccess } from './access.js';
import type { AppContext, Caller } from './context.js';
import { firmNotFound, loadFirm } from './firm-scope.js';
import { cancelOpenInvitation, issueInvitation, type IssuedInvitation } from './invitations.js';
import { loadAccess, loadInvitation } from './issue-invitation.js';
import { streamHas } from './tenant-scan.js';
import { id, parseRequest } from './input.js';
import { followUp, loadActiveClient, loadClient, requireFirmSide, requireMember, type ProcessCaller } from './tenant-guards.js';
import { latest, type Written } from './written.js';

/** The outcome of a command on a client's stream (`revision`: the client stream's). */
export interface ClientChange extends Written {
  clientId: string;
  /** False when the command decided nothing (already so). */
  changed: boolean;
}

async function runClient(ctx: AppContext, caller: ProcessCaller, clientId: string, command: ClientCommand) {
  await requireFirmSide(ctx, caller);
  const result = await ctx.execute(clientDecider, streams.client(clientId), command, caller);
  const change: ClientChange = { clientId, revision: result.nextExpectedRevision, position: result.position, changed: result.events.length > 0 };
  return { result, change };
}

const isRefusal = (error: unknown, code: string) => error instanceof PortalError && error.code === code;

const createClientInput = c.createClient.omit({ clientId: true }).extend({ idempotencyKey: idempotencyKey.optional() });

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

const renameClientInput = c.renameClient.extend({ clientId: id });

/** Renames the client (a group's name, or an individual's chosen display name). */
export async function renameClient(ctx: AppContext, caller: Caller, input: z.input<typeof renameClientInput>): Promise<ClientChange> {
  const { clientId, name } = parseRequest(caller, renameClientInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RenameClient', data: { name } })).change;
}

const recordPreliminaryDataInput = c.recordPreliminaryData.extend({ clientId: id });

/** Sets (adds or changes) preliminary data fields. */
export async function recordPreliminaryData(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof recordPreliminaryDataInput>,
): Promise<ClientChange> {
  const { clientId, fields } = parseRequest(caller, recordPreliminaryDataInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RecordPreliminaryData', data: { fields } })).change;
}

const removePreliminaryDataInput = c.removePreliminaryData.extend({ clientId: id });

/** Removes preliminary data fields (the ones not present are ignored). */
export async function removePreliminaryData(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof removePreliminaryDataInput>,
): Promise<ClientChange> {
  const { clientId, fieldNames } = parseRequest(caller, removePreliminaryDataInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RemovePreliminaryData', data: { fieldNames } })).change;
}

const changeSubscriptionInput = c.changeSubscription.extend({ clientId: id });

/** Moves the client to another subscription plan. */
export async function changeSubscription(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof changeSubscriptionInput>,
): Promise<ClientChange> {
  const { clientId, plan } = parseRequest(caller, changeSubscriptionInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'ChangeSubscription', data: { plan } })).change;
}

const assignStaffInput = c.assignStaff.omit({ firmStaffIds: true }).extend({ clientId: id });

/** Assigns one of the firm's staff users to the client. */
export async function assignStaff(ctx: AppContext, caller: Caller, input: z.input<typeof assignStaffInput>): Promise<ClientChange> {
  const { clientId, userId } = parseRequest(caller, assignStaffInput, input);
  const firm = await loadFirm(ctx, caller.tenantId);
  const firmStaffIds = firm?.staff.map((s) => s.userId) ?? [];
  return (await runClient(ctx, caller, clientId, { type: 'AssignStaff', data: { userId, firmStaffIds } })).change;
}

const unassignStaffInput = c.unassignStaff.extend({ clientId: id });

/** Unassigns a staff user from the client (a no-op when not assigned). */
export async function unassignStaff(ctx: AppContext, caller: Caller, input: z.input<typeof unassignStaffInput>): Promise<ClientChange> {
  const { clientId, userId } = parseRequest(caller, unassignStaffInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'UnassignStaff', data: { userId } })).change;
}

const addOwnerInput = c.addOwner.omit({ contactId: true }).extend({ clientId: id, idempotencyKey: idempotencyKey.optional() });

/** Adds a co-owner to a group client (retry-safe with an `idempotencyKey`). */
export async function addOwner(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof addOwnerInput>,
): Promise<ClientChange & { contactId: string }> {
  const { clientId, contact, idempotencyKey: key } = parseRequest(caller, addOwnerInput, input);
  await requireFirmSide(ctx, caller);
  return ctx.once(caller, {
    operation: 'addOwner',
    key,
    input: { clientId, contact },
    // The key's contact id makes a repeat a no-op in the decider, which reports the owner as added.
    create: async (contactId) => ({ ...(await runClient(ctx, caller, clientId, { type: 'AddOwner', data: { contact, contactId } })).change, changed: true, contactId }),
  });
}

const addGuestInput = c.addGuest.omit({ contactId: true }).extend({ clientId: id, idempotencyKey: idempotencyKey.optional() });

/**
 * Adds a guest and invites them at once: the invitation email goes to the guest's first address,
 * so the firm need not send a separate invitation. With an `idempotencyKey` the call is safe to
 * retry: a guest already added is not added again, and is invited only if no invitation went out.
 */
export async function addGuest(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof addGuestInput>,
): Promise<ClientChange & { contactId: string; invitation: IssuedInvitation }> {
  const { clientId, contact, idempotencyKey: key } = parseRequest(caller, addGuestInput, input);
  await requireFirmSide(ctx, caller);
  return ctx.once(caller, { operation: 'addGuest', key, input: { clientId, contact }, create: (contactId) => addGuestWithId(ctx, caller, clientId, contact, contactId) });
}

async function addGuestWithId(
  ctx: AppContext,
  caller: Caller,
  clientId: string,
  contact: z.output<typeof c.addGuest>['contact'],
  contactId: string,
): Promise<ClientChange & { contactId: string; invitation: IssuedInvitation }> {
  const request = ctx.correlate(caller);
  const { result, change } = await runClient(ctx, request, clientId, { type: 'AddGuest', data: { contact, contactId } });
  const requested = result.events.find((e) => e.type === 'InvitationRequested');
  const { state: sent } = await loadInvitation(ctx, caller.tenantId, contactId);
  if (sent.status !== 'none') {
    // A retry after the invitation already went out: report it, send nothing twice.
    const [last] = await ctx.log.readStream(streams.invitation(contactId), { direction: 'backwards', maxCount: 1 });
    const written = { revision: last!.revision, position: last!.position };
    const invitation = { contactId, invitationId: sent.invitationId, sentAt: sent.sentAt, expiresAt: sent.expiresAt, ...written };
    return { ...change, position: latest(change.position, written.position), contactId, invitation };
  }
  const email = requested?.type === 'InvitationRequested' ? requested.data.email : undefined;
  const invitation = await issueInvitation(ctx, followUp(request), {
    clientId,
    contactId,
    ...(email !== undefined ? { email } : {}),
    reason: 'guest_added',
  });
  return { ...change, position: latest(change.position, invitation.position), contactId, invitation };
}

const removeMemberInput = c.removeMember.extend({ clientId: id });

/** Removes an owner or a guest; their open invitation is cancelled and their open portal access closed. */
export async function removeMember(ctx: AppContext, caller: Caller, input: z.input<typeof removeMemberInput>): Promise<ClientChange> {
  const { clientId, contactId } = parseRequest(caller, removeMemberInput, input);
  const request = ctx.correlate(caller);
  try {
    const { change } = await runClient(ctx, request, clientId, { type: 'RemoveMember', data: { contactId } });
    return { ...change, position: latest(change.position, await endMembership(ctx, followUp(request), contactId)) };
  } catch (error) {
    if (isRefusal(error, 'client.member_not_found') && (await streamHas(ctx, streams.client(clientId), 'MemberRemoved', (d) => d.contactId === contactId))) {
      await endMembership(ctx, followUp(request), contactId);
    }
    throw error;
  }
}

/** Returns the position of the last event it appended, if any. */
async function endMembership(ctx: AppContext, caller: ProcessCaller, contactId: string): Promise<number | null> {
  const cancelled = await cancelOpenInvitation(ctx, caller, { contactId, reason: 'member_removed' });
  const access = await loadAccess(ctx, caller.tenantId, contactId);
  if (access.status !== 'pending' && access.status !== 'active') return cancelled.changed ? cancelled.position : null;
  return (await closeAccess(ctx, caller, { contactId, via: 'access_window' })).position;
}

const renameContactInput = c.renameContact.extend({ clientId: id });

/** Renames a member. */
export async function renameContact(ctx: AppContext, caller: Caller, input: z.input<typeof renameContactInput>): Promise<ClientChange> {
  const { clientId, ...data } = parseRequest(caller, renameContactInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'RenameContact', data })).change;
}

const addContactEmailInput = c.addContactEmail.extend({ clientId: id });

/** Adds an email address to a member (a no-op when they have it). */
export async function addContactEmail(ctx: AppContext, caller: Caller, input: z.input<typeof addContactEmailInput>): Promise<ClientChange> {
  const { clientId, ...data } = parseRequest(caller, addContactEmailInput, input);
  return (await runClient(ctx, caller, clientId, { type: 'AddContactEmail', data })).change;
}

const removeContactEmailInput = c.removeContactEmail.extend({ clientId: id });

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

const onClientInput = z.object({ clientId: id });

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
