/**
 * Clients: individuals and groups, their members (owners and guests), preliminary data,
 * subscription and assigned staff. Every operation is the firm's (contacts are refused).
 *
 * Process rules wired here, in the same request (follow-ups caused by the request's correlation id):
 * - GuestAdded + InvitationRequested → issueInvitation { reason: 'guest_added' } to the guest's email.
 * - MemberRemoved → cancelInvitation { reason: 'member_removed' } and, when the member's portal access
 *   is open, closePortalAccess { via: 'access_window' }. There is no 'member_removed' close reason; the
 *   access window's "Close access to the portal" is the closest: the firm closing one contact's access.
 * - ClientArchived → for every contact in `contactIds`: closePortalAccess { via: 'client_archived' }
 *   and cancelInvitation { reason: 'client_archived' } (both no-ops when nothing is open).
 * - ClientRestored → UnassignStaff for assigned users no longer on the firm's staff (they were removed
 *   while the client was archived, when the client refused the unassigning).
 * A request refused because it already happened (member already removed, client already archived)
 * still completes its follow-ups before reporting the refusal, so rerunning after a crash converges.
 */
import { z } from 'zod';
import { PortalError } from '../core/errors.js';
import { parseCommand } from '../core/validate.js';
import type { StreamRevision } from '../core/revision.js';
import type * as c from '../client/commands.js';
import type { ClientCommand } from '../client/commands.js';
import { clientDecider } from '../client/decider.js';
import type { ClientState } from '../client/state.js';
import { streams } from '../streams.js';
import { closePortalAccess } from './access.js';
import type { AppContext, Caller } from './context.js';
import { firmNotFound, loadFirm } from './firm-scope.js';
import { cancelInvitation, issueInvitation, type IssuedInvitation } from './invitations.js';
import { loadAccess, loadInvitation } from './issue-invitation.js';
import { streamHas } from './tenant-scan.js';
import { followUp, loadClient, requireFirmSide, type ProcessCaller } from './tenant-guards.js';

/** The outcome of a command on a client's stream. */
export interface ClientChange {
  clientId: string;
  /** The client stream's revision afterwards (an ETag). */
  revision: StreamRevision;
  /** False when the command decided nothing (already so). */
  changed: boolean;
}

type ContactInput = { name: string; emails: string[] };

async function runClient(ctx: AppContext, caller: ProcessCaller, clientId: string, command: ClientCommand) {
  await requireFirmSide(ctx, caller);
  const result = await ctx.execute(clientDecider, streams.client(clientId), command, caller);
  const change: ClientChange = { clientId, revision: result.nextExpectedRevision, changed: result.events.length > 0 };
  return { result, change };
}

const isRefusal = (error: unknown, code: string) => error instanceof PortalError && error.code === code;

/** Creates a client of the caller's firm: an individual with one owner, or a group with its owners. */
export async function createClient(
  ctx: AppContext,
  caller: Caller,
  input: Omit<z.input<typeof c.createClient>, 'clientId'>,
): Promise<ClientChange & { ownerIds: string[] }> {
  await requireFirmSide(ctx, caller);
  if (!(await loadFirm(ctx, caller.tenantId))) throw firmNotFound();
  const clientId = ctx.deps.ids.newId();
  const { result, change } = await runClient(ctx, caller, clientId, { type: 'CreateClient', data: { ...input, clientId } });
  return { ...change, ownerIds: result.state.members.map((m) => m.contactId) };
}

/** Renames the client (a group's name, or an individual's chosen display name). */
export async function renameClient(ctx: AppContext, caller: Caller, input: { clientId: string; name: string }): Promise<ClientChange> {
  return (await runClient(ctx, caller, input.clientId, { type: 'RenameClient', data: { name: input.name } })).change;
}

/** Sets (adds or changes) preliminary data fields. */
export async function recordPreliminaryData(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string } & z.input<typeof c.recordPreliminaryData>,
): Promise<ClientChange> {
  return (await runClient(ctx, caller, input.clientId, { type: 'RecordPreliminaryData', data: { fields: input.fields } })).change;
}

/** Removes preliminary data fields (the ones not present are ignored). */
export async function removePreliminaryData(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string } & z.input<typeof c.removePreliminaryData>,
): Promise<ClientChange> {
  const data = { fieldNames: input.fieldNames };
  return (await runClient(ctx, caller, input.clientId, { type: 'RemovePreliminaryData', data })).change;
}

/** Moves the client to another subscription plan. */
export async function changeSubscription(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string } & z.input<typeof c.changeSubscription>,
): Promise<ClientChange> {
  return (await runClient(ctx, caller, input.clientId, { type: 'ChangeSubscription', data: { plan: input.plan } })).change;
}

/** Assigns one of the firm's staff users to the client. */
export async function assignStaff(ctx: AppContext, caller: Caller, input: { clientId: string; userId: string }): Promise<ClientChange> {
  const firm = await loadFirm(ctx, caller.tenantId);
  const firmStaffIds = firm?.staff.map((s) => s.userId) ?? [];
  const data = { userId: input.userId, firmStaffIds };
  return (await runClient(ctx, caller, input.clientId, { type: 'AssignStaff', data })).change;
}

/** Unassigns a staff user from the client (a no-op when not assigned). */
export async function unassignStaff(ctx: AppContext, caller: Caller, input: { clientId: string; userId: string }): Promise<ClientChange> {
  return (await runClient(ctx, caller, input.clientId, { type: 'UnassignStaff', data: { userId: input.userId } })).change;
}

/** Adds a co-owner to a group client. */
export async function addOwner(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string; contact: ContactInput },
): Promise<ClientChange & { contactId: string }> {
  const { result, change } = await runClient(ctx, caller, input.clientId, { type: 'AddOwner', data: { contact: input.contact } });
  // The decider either adds the owner (last among the owners) or refuses.
  return { ...change, contactId: result.state.members.filter((m) => m.role === 'owner').at(-1)!.contactId };
}

const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'An idempotency key is 1–64 letters, digits, _ or -.');

/**
 * Adds a guest and invites them at once: the invitation email goes to the guest's first address,
 * so the firm need not send a separate invitation. With an `idempotencyKey` the call is safe to
 * retry: a guest already added is not added again, and is invited only if no invitation went out.
 * The key makes the contact id inside this client's namespace, so it can never name a contact of
 * another client or firm.
 */
export async function addGuest(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string; contact: ContactInput; idempotencyKey?: string },
): Promise<ClientChange & { contactId: string; invitation: IssuedInvitation }> {
  const request = ctx.correlate(caller);
  const chosenId = input.idempotencyKey === undefined ? undefined : `${input.clientId}.guest.${parseCommand(idempotencyKey, input.idempotencyKey)}`;
  const data = { contact: input.contact, ...(chosenId !== undefined ? { contactId: chosenId } : {}) };
  const { result, change } = await runClient(ctx, request, input.clientId, { type: 'AddGuest', data });
  const requested = result.events.find((e) => e.type === 'InvitationRequested');
  const contactId = requested?.type === 'InvitationRequested' ? requested.data.contactId : chosenId!;
  const { state: sent } = await loadInvitation(ctx, caller.tenantId, contactId);
  if (sent.status !== 'none') {
    // A retry after the invitation already went out: report it, send nothing twice.
    return { ...change, contactId, invitation: { contactId, invitationId: sent.invitationId, sentAt: sent.sentAt, expiresAt: sent.expiresAt } };
  }
  const email = requested?.type === 'InvitationRequested' ? requested.data.email : undefined;
  const invitation = await issueInvitation(ctx, followUp(request), {
    clientId: input.clientId,
    contactId,
    ...(email !== undefined ? { email } : {}),
    reason: 'guest_added',
  });
  return { ...change, contactId, invitation };
}

/** Removes an owner or a guest; their open invitation is cancelled and their open portal access closed. */
export async function removeMember(ctx: AppContext, caller: Caller, input: { clientId: string; contactId: string }): Promise<ClientChange> {
  const request = ctx.correlate(caller);
  const { clientId, contactId } = input;
  try {
    const { change } = await runClient(ctx, request, clientId, { type: 'RemoveMember', data: { contactId } });
    await endMembership(ctx, followUp(request), contactId);
    return change;
  } catch (error) {
    if (isRefusal(error, 'client.member_not_found') && (await streamHas(ctx, streams.client(clientId), 'MemberRemoved', (d) => d.contactId === contactId))) {
      await endMembership(ctx, followUp(request), contactId);
    }
    throw error;
  }
}

async function endMembership(ctx: AppContext, caller: ProcessCaller, contactId: string): Promise<void> {
  await cancelInvitation(ctx, caller, { contactId, reason: 'member_removed' });
  const access = await loadAccess(ctx, caller.tenantId, contactId);
  if (access.status === 'pending' || access.status === 'active') await closePortalAccess(ctx, caller, { contactId, via: 'access_window' });
}

/** Renames a member. */
export async function renameContact(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string; contactId: string; name: string },
): Promise<ClientChange> {
  const data = { contactId: input.contactId, name: input.name };
  return (await runClient(ctx, caller, input.clientId, { type: 'RenameContact', data })).change;
}

/** Adds an email address to a member (a no-op when they have it). */
export async function addContactEmail(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string; contactId: string; email: string },
): Promise<ClientChange> {
  const data = { contactId: input.contactId, email: input.email };
  return (await runClient(ctx, caller, input.clientId, { type: 'AddContactEmail', data })).change;
}

/** Removes one of a member's email addresses (never the last one). */
export async function removeContactEmail(
  ctx: AppContext,
  caller: Caller,
  input: { clientId: string; contactId: string; email: string },
): Promise<ClientChange> {
  const data = { contactId: input.contactId, email: input.email };
  return (await runClient(ctx, caller, input.clientId, { type: 'RemoveContactEmail', data })).change;
}

/** Archives the client: every member's portal access is closed and open invitation cancelled. */
export async function archiveClient(ctx: AppContext, caller: Caller, input: { clientId: string }): Promise<ClientChange & { contactIds: string[] }> {
  const request = ctx.correlate(caller);
  try {
    const { result, change } = await runClient(ctx, request, input.clientId, { type: 'ArchiveClient', data: {} });
    const archived = result.events[0];
    const contactIds = archived?.type === 'ClientArchived' ? archived.data.contactIds : [];
    await shutOut(ctx, followUp(request), contactIds);
    return { ...change, contactIds };
  } catch (error) {
    const archived = isRefusal(error, 'client.archived') ? await streamHas(ctx, streams.client(input.clientId), 'ClientArchived') : undefined;
    if (archived) await shutOut(ctx, followUp(request), (archived.data as { contactIds: string[] }).contactIds);
    throw error;
  }
}

async function shutOut(ctx: AppContext, caller: ProcessCaller, contactIds: readonly string[]): Promise<void> {
  for (const contactId of contactIds) {
    await closePortalAccess(ctx, caller, { contactId, via: 'client_archived' });
    await cancelInvitation(ctx, caller, { contactId, reason: 'client_archived' });
  }
}

/**
 * Restores an archived client. Access and invitations stay closed (the firm re-opens them); staff
 * users removed from the firm meanwhile are unassigned.
 */
export async function restoreClient(ctx: AppContext, caller: Caller, input: { clientId: string }): Promise<ClientChange & { unassigned: string[] }> {
  const request = ctx.correlate(caller);
  const { result, change } = await runClient(ctx, request, input.clientId, { type: 'RestoreClient', data: {} });
  const firm = await loadFirm(ctx, request.tenantId);
  const staffIds = new Set(firm?.staff.map((s) => s.userId) ?? []);
  const unassigned = result.state.assignedStaff.filter((userId) => !staffIds.has(userId));
  let revision = change.revision;
  for (const userId of unassigned) {
    ({ revision } = (await runClient(ctx, followUp(request), input.clientId, { type: 'UnassignStaff', data: { userId } })).change);
  }
  return { ...change, revision, unassigned };
}

/** The client's state, inside the caller's firm (another firm's client reads as not found). */
export async function getClient(ctx: AppContext, caller: Caller, clientId: string): Promise<ClientState> {
  await requireFirmSide(ctx, caller);
  return loadClient(ctx, caller.tenantId, clientId);
}
