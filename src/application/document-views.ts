/**
 * What the firm reads about a client's documents: the current list (who added each, who can see
 * it now) and each document's trail of downloads and views. Both read the documents read model.
 */
import { z } from 'zod';
import type { AppContext, Caller } from './context.js';
import { id, parseRequest } from './input.js';
import { pageFields } from './page-input.js';
import type { DocumentAccessEntry, DocumentRow, Page } from './read-models.js';
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
