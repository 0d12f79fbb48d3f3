/**
 * What the firm reads about a client's documents: the current list (who added each, who can see
 * it now), each document's trail of downloads and views, and whether it holds a given content.
 * All read the documents read model.
 */
import { z } from 'zod';
import { DomainError, NotFoundError } from '../core/errors.js';
import { contentHash } from '../core/limits.js';
import type { AppContext, Caller } from './context.js';
import { requireActiveAccess } from './documents.js';
import { id, noInput, parseRequest } from './input.js';
import { loadAccess } from './issue-invitation.js';
import { pageFields } from './page-input.js';
import type { DocumentAccessEntry, DocumentRow, Page, VisibleDocument } from './read-models.js';
import { requireFirmSide } from './tenant-guards.js';

export const listInput = z.strictObject({ clientId: id, ...pageFields });

/** The client's current documents, by folder and name; a client of another firm reads as not found. */
export async function list(ctx: AppContext, caller: Caller, input: z.input<typeof listInput>): Promise<Page<DocumentRow>> {
  const { clientId, cursor, limit } = parseRequest(caller, listInput, input);
  await requireFirmSide(ctx, caller);
  return (await ctx.views()).documents.list(caller.tenantId, clientId, { ...(cursor !== undefined ? { cursor } : {}), limit });
}

export const trailInput = z.strictObject({ documentId: id, ...pageFields });

/** Who downloaded or viewed a document, newest first (removed documents keep their trail). */
export async function trail(ctx: AppContext, caller: Caller, input: z.input<typeof trailInput>): Promise<Page<DocumentAccessEntry>> {
  const { documentId, cursor, limit } = parseRequest(caller, trailInput, input);
  await requireFirmSide(ctx, caller);
  return (await ctx.views()).documents.trail(caller.tenantId, documentId, { ...(cursor !== undefined ? { cursor } : {}), limit });
}

export const heldContentInput = z.strictObject({ contentHash });

/**
 * Content the caller's firm holds: a version of one of its documents (removed ones too) has the
 * hash; else 'content.not_held' (NotFoundError), as for content of another firm. What a wire
 * adapter asks before it lets a request name content by its hash rather than send the bytes.
 * Another process's write counts once the read models reach the log's end.
 */
export async function heldContent(ctx: AppContext, caller: Caller, input: z.input<typeof heldContentInput>): Promise<{ contentHash: string }> {
  const asked = parseRequest(caller, heldContentInput, input);
  await requireFirmSide(ctx, caller);
  const views = await ctx.views();
  if (!(await views.documents.firmHoldsContent(caller.tenantId, asked.contentHash))) {
    const head = await ctx.deps.store.lastPosition();
    if (head !== undefined) await views.waitFor(head);
    if (!(await views.documents.firmHoldsContent(caller.tenantId, asked.contentHash))) {
      throw new NotFoundError('content.not_held', 'No document of the firm has this content.');
    }
  }
  return { contentHash: asked.contentHash };
}

/**
 * What a contact sees in their portal now: the documents shared with them, where they are and
 * their current version. For the contact only (the firm asks audit.viewAsClient for anyone's).
 */
export async function shared(ctx: AppContext, caller: Caller, input?: z.input<typeof noInput>): Promise<VisibleDocument[]> {
  parseRequest(caller, noInput, input);
  const { actor } = caller;
  if (actor.kind !== 'contact') throw new DomainError('document.not_a_contact', 'Only a client contact has documents shared with them.');
  const { clientId } = await loadAccess(ctx, caller.tenantId, actor.contactId);
  await requireActiveAccess(ctx, caller, clientId ?? '');
  const seen = await (await ctx.views()).audit.viewAsClient(caller.tenantId, actor.contactId, ctx.deps.clock.now().toISOString());
  // Who uploaded what is the firm's to know: a contact is not told a co-member's id.
  return seen.map(({ documentId, folderPath, name, size, version }) => ({ documentId, folderPath, name, size, version }));
}
