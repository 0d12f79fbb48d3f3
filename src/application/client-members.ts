/**
 * A client's members: co-owners and guests joining, and members leaving.
 *
 * Process rules wired here, in the same request (follow-ups caused by the request's correlation id):
 * - GuestAdded + InvitationRequested → issueInvitation { reason: 'guest_added' } to the guest's email.
 * - MemberRemoved → cancelInvitation { reason: 'member_removed' } and, when the member's portal access
 *   is open, closeAccess { via: 'access_window' }. There is no 'member_removed' close reason; the
 *   access window's "Close access to the portal" is the closest: the firm closing one contact's access.
 */
import type { z } from 'zod';
import { idempotencyKey } from '../core/idempotency.js';
import * as c from '../client/commands.js';
import { streams } from '../streams.js';
import { closeAccess } from './access.js';
import { isRefusal, runClient, type ClientChange } from './client-change.js';
import type { AppContext, Caller } from './context.js';
import { cancelOpenInvitation, issueInvitation, type IssuedInvitation } from './invitations.js';
import { loadAccess, loadInvitation } from './issue-invitation.js';
import { id, parseRequest } from './input.js';
import { streamHas } from './tenant-scan.js';
import { followUp, requireFirmSide, type ProcessCaller } from './tenant-guards.js';
import { latest } from './written.js';

export const addOwnerInput = c.addOwner.omit({ contactId: true }).extend({ clientId: id, idempotencyKey: idempotencyKey.optional() });

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

export const addGuestInput = c.addGuest.omit({ contactId: true }).extend({ clientId: id, idempotencyKey: idempotencyKey.optional() });

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

export const removeMemberInput = c.removeMember.extend({ clientId: id });

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
