/**
 * The firm's audit trail: a client's history and the firm-wide activity feed, newest first, in the
 * firm's words, from the activity read model. Read-your-writes: a query after a command sees it.
 */
import { z } from 'zod';
import { plainText } from '../core/limits.js';
import type { AppContext, Caller } from './context.js';
import { id, parseRequest } from './input.js';
import { activityKinds, type HistoryEntry, type Page } from './read-models.js';
import { loadClient, requireFirmSide } from './tenant-guards.js';

/** An instant with any offset, read as the UTC instant toISOString gives. */
const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text).toISOString());
const pageInput = { cursor: plainText(1000).optional(), limit: z.number().int().min(1).max(200).default(50) };

const historyInput = z.strictObject({ clientId: id, asOf: instant.optional(), ...pageInput });

/** A client's history, newest first; with `asOf`, only what had happened by then. Another firm's client reads as not found. */
export async function history(ctx: AppContext, caller: Caller, input: z.input<typeof historyInput>): Promise<Page<HistoryEntry>> {
  const query = parseRequest(caller, historyInput, input);
  await requireFirmSide(ctx, caller);
  await loadClient(ctx, caller.tenantId, query.clientId);
  const views = await ctx.views();
  return views.audit.history(caller.tenantId, query);
}

const activityInput = z.strictObject({
  kinds: z.array(z.enum(activityKinds)).min(1).max(activityKinds.length).optional(),
  ...pageInput,
});

/** Everything that happened in the firm, newest first, optionally of some kinds only. */
export async function activity(ctx: AppContext, caller: Caller, input: z.input<typeof activityInput> = {}): Promise<Page<HistoryEntry>> {
  const query = parseRequest(caller, activityInput, input);
  await requireFirmSide(ctx, caller);
  const views = await ctx.views();
  return views.audit.activity(caller.tenantId, query);
}
