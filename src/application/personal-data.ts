/**
 * The right to erasure, by crypto-shredding: forgetting a contact deletes their key, so every personal
 * field of theirs — names and emails in client events, invitation emails, login emails, IP addresses
 * and user agents — reads as '[erased]' from then on, in every stream, while the history of what
 * happened (who was invited, when access closed) stays readable.
 *
 * A forgotten contact is shut out first: their portal access is closed and their open invitation
 * cancelled (reason 'contact_forgotten'). An individual client *is* its one owner, so forgetting that
 * owner also forgets the client's own data (its name, preliminary data, document and folder names).
 * A group's data is the group's: forgetting one of its members leaves it readable.
 *
 * Forgetting an individual client also deletes, from the blob store, the content that only its
 * documents refer to. That comes after the forgetting is recorded and never fails it: content left
 * undeleted is reported, and repeating the forget tries again (content hashes are not personal data,
 * so the documents read model still knows them).
 */
import { z } from 'zod';
import type { BlobStore } from '../core/blob-store.js';
import { fold } from '../core/decider.js';
import { DomainError, NotFoundError } from '../core/errors.js';
import type { ClientEvent } from '../client/events.js';
import { clientDecider } from '../client/decider.js';
import { partnerAdminsOf } from '../firm/state.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { loadFirm } from './firm-scope.js';
import { id, parseRequest } from './input.js';
import { closeAccess } from './access.js';
import { cancelOpenInvitation } from './invitations.js';
import { followUp } from './tenant-guards.js';
import { latest, type Written } from './written.js';

/** Contact ids that were ever members of the client (a former member can be forgotten too). */
function everMembers(events: readonly ClientEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type === 'ClientCreated') for (const owner of event.data.owners) ids.add(owner.contactId);
    if (event.type === 'OwnerAdded' || event.type === 'GuestAdded') ids.add(event.data.contact.contactId);
  }
  return ids;
}

export const forgetContactInput = z.strictObject({ clientId: id, contactId: id });

/**
 * Erases a contact's personal data. Only a partner admin of the caller's firm may, and only for a
 * current or former member of one of the firm's clients. Repeating it changes nothing.
 */
export async function forgetContact(
  ctx: AppContext,
  caller: Caller,
  asked: z.input<typeof forgetContactInput>,
): Promise<
  Written & {
    contactId: string;
    alreadyForgotten: boolean;
    clientForgotten: boolean;
    /** Blobs deleted with the client (null: a group's member, or no blob store); `complete: false` asks for a retry. */
    blobs: BlobCleanup | null;
  }
> {
  const input = parseRequest(caller, forgetContactInput, asked);
  const firm = await loadFirm(ctx, caller.tenantId);
  const { actor } = caller;
  if (!firm || actor.kind !== 'staff' || !partnerAdminsOf(firm).some((s) => s.userId === actor.userId)) {
    throw new DomainError('personal_data.not_partner_admin', "Only a partner admin of the firm can erase a contact's personal data.");
  }
  const events = (await ctx.log.readStream(streams.client(input.clientId))) as unknown as ClientEvent[];
  const client = fold(clientDecider, events);
  if (client.status === 'new' || client.firmId !== caller.tenantId) throw new NotFoundError('client.not_found', 'This client does not exist.');
  if (!everMembers(events).has(input.contactId)) {
    throw new DomainError('client.member_not_found', 'This contact is not a member of the client.');
  }
  const request = ctx.correlate(caller);
  const followUps = followUp(request);
  const closed = await closeAccess(ctx, followUps, { contactId: input.contactId, via: 'contact_forgotten' });
  const cancelled = await cancelOpenInvitation(ctx, followUps, { contactId: input.contactId, reason: 'contact_forgotten' });
  let position = latest(closed.changed ? closed.position : null, cancelled.changed ? cancelled.position : null);
  const subjects = client.kind === 'individual' ? [input.contactId, client.id] : [input.contactId];
  let forgottenNow = 0;
  for (const subjectId of subjects) {
    // forget is idempotent: on a rerun it records nothing new but finishes a key deletion left undone.
    const forgotten = await ctx.log.forget(subjectId, {
      tenantId: request.tenantId,
      actor: request.actor,
      correlationId: request.correlationId,
      causationId: request.correlationId,
      occurredAt: ctx.deps.clock.now().toISOString(),
    });
    position = latest(position, forgotten.position);
    if (forgotten.recordedNow) forgottenNow++;
  }
  // `revision`: the contact's data-subject stream's, where the forgetting is recorded.
  const [recorded] = await ctx.log.readStream(streams.dataSubject(input.contactId), { direction: 'backwards', maxCount: 1 });
  const revision = recorded?.revision ?? 'no_stream';
  if (forgottenNow === 0) position = latest(position, recorded?.position);
  const clientForgotten = subjects.length > 1;
  const blobs = clientForgotten && ctx.deps.blobs ? await deleteContentOf(ctx, ctx.deps.blobs, caller.tenantId, client.id) : null;
  return { contactId: input.contactId, alreadyForgotten: forgottenNow === 0, clientForgotten, revision, position, blobs };
}

/** What a forget did in the blob store: how many blobs it deleted, and whether every one it should have is gone. */
export interface BlobCleanup {
  deleted: number;
  complete: boolean;
}

/**
 * Deletes the blobs only the client's documents refer to; a failure leaves `complete` false instead
 * of throwing. Each blob is looked at again in its own turn in the store, when no upload of the same
 * bytes can finish meanwhile: one recorded since the first look keeps it, and one still being
 * recorded (the store refuses the delete, BlobInUseError) leaves it for a repeated forget.
 */
async function deleteContentOf(ctx: AppContext, blobs: BlobStore, firmId: string, clientId: string): Promise<BlobCleanup> {
  let deleted = 0;
  let complete = true;
  try {
    const views = await ctx.views();
    let looked: { head: number | undefined; only: Set<string> } | undefined;
    /** The content only the client refers to, as of the log's end (the same answer while the log stands still). */
    const onlyTheClients = async () => {
      // The whole log, not only this portal's writes: another process's document may share the content.
      const head = await ctx.deps.store.lastPosition();
      if (looked === undefined || looked.head !== head) {
        if (head !== undefined) await views.waitFor(head);
        looked = { head, only: new Set(await views.documents.contentOnlyReferencedBy(firmId, clientId)) };
      }
      return looked.only;
    };
    for (const contentHash of await onlyTheClients()) {
      try {
        if (await blobs.delete(contentHash, { onlyIf: async () => (await onlyTheClients()).has(contentHash) })) deleted++;
      } catch {
        complete = false;
      }
    }
  } catch {
    complete = false;
  }
  return { deleted, complete };
}
