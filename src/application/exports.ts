/**
 * Exports the firm downloads: the activation CSV of its client list, now or as it stood at an
 * instant. Every refusal (bad input, not the firm) comes from the returned promise, before any
 * text, so an HTTP adapter can answer 400/403 before it sends headers; the text itself streams.
 */
import { z } from 'zod';
import type { AppContext, Caller } from './context.js';
import { parseRequest } from './input.js';
import { instant } from './page-input.js';
import { requireFirmSide } from './tenant-guards.js';

export const activationCsvInput = z.strictObject({
  /** An instant with its offset; the export is worded as at that instant. */
  asOf: instant.optional(),
  /** A UTF-8 byte order mark first, for spreadsheets that need it to read UTF-8. */
  bom: z.boolean().default(false),
});

/** The activation CSV (one row per member, header first) in chunks of text, once the request is accepted. */
export async function activationCsv(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof activationCsvInput> = {},
): Promise<AsyncIterable<string>> {
  const { asOf, bom } = parseRequest(caller, activationCsvInput, input);
  await requireFirmSide(ctx, caller);
  const views = await ctx.views();
  return views.exports.activationCsv(caller.tenantId, { ...(asOf !== undefined && { asOf }), bom, now: ctx.deps.clock.now() });
}
