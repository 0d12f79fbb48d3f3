/**
 * Time travel for auditors: who had portal access to what at any instant, and the documents a
 * contact could see then, with the names they had then. Both read the access-interval read model.
 */
import { z } from 'zod';
import type { AppContext, Caller } from './context.js';
import { id, parseRequest } from './input.js';
import { instant, pageFields } from './page-input.js';
import type { AccessGrant, Page, DocumentAsOf } from './read-models.js';
import { requireFirmSide } from './tenant-guards.js';

export const accessAsOfInput = z.strictObject({ at: instant, clientId: id.optional(), ...pageFields });

/** The grants valid at `at` (valid-from inclusive, valid-to exclusive), by client and contact. */
export async function accessAsOf(ctx: AppContext, caller: Caller, input: z.input<typeof accessAsOfInput>): Promise<Page<AccessGrant>> {
  const { at, clientId, cursor, limit } = parseRequest(caller, accessAsOfInput, input);
  await requireFirmSide(ctx, caller);
  const query = { at, limit, ...(clientId !== undefined ? { clientId } : {}), ...(cursor !== undefined ? { cursor } : {}) };
  return (await ctx.views()).audit.accessAsOf(caller.tenantId, query);
}

export const viewAsClientInput = z.strictObject({ contactId: id, at: instant });

/** The documents the contact could see at `at`, as they were named and placed then. */
export async function viewAsClient(ctx: AppContext, caller: Caller, input: z.input<typeof viewAsClientInput>): Promise<DocumentAsOf[]> {
  const { contactId, at } = parseRequest(caller, viewAsClientInput, input);
  await requireFirmSide(ctx, caller);
  return (await ctx.views()).audit.viewAsClient(caller.tenantId, contactId, at);
}
