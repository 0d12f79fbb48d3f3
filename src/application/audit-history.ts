/**
 * The firm's audit trail: a client's history and the firm-wide activity feed, newest first, in the
 * firm's words, from the activity read model. Read-your-writes: a query after a command sees it.
 */
import { z } from 'zod';
import type { AppContext, Caller } from './context.js';
import { id, parseRequest } from './input.js';
import { instant, pageFields } from './page-input.js';
import { activityKinds, type HistoryEntry, type Page } from './read-models.js';
import { loadClient, requireFirmSide } from './tenant-guards.js';


export const historyInput = z.strictObject({ clientId: id, asOf: instant.optional(), ...pageFields });

/** A client's history, newest first; with `asOf`, only what had happened by then. Another firm's client reads as not found. */
export async function history(ctx: AppContext, caller: Caller, input: z.input<typeof historyInput>): Promise<Page<HistoryEntry>> {
  const query = parseRequest(caller, historyInput, input);
  await requireFirmSide(ctx, caller);
  await loadClient(ctx, caller.tenantId, query.clientId);
  const views = await ctx.views();
  return views.audit.history(caller.tenantId, query);
}

export const activityInput = z.strictObject({
  kinds: z.array(z.enum(activityKinds)).min(1).max(activityKinds.length).optional(),
  ...pageFields,
});

/** Everything that happened in the firm, newest first, optionally of some kinds only. */
export async function activity(ctx: AppContext, caller: Caller, input: z.input<typeof activityInput> = {}): Promise<Page<HistoryEntry>> {
  const query = parseRequest(caller, activityInput, input);
  await requireFirmSide(ctx, caller);
  const views = await ctx.views();
  return views.audit.activity(caller.tenantId, query);
}
