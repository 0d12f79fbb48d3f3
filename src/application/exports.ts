/**
 * Exports the firm downloads: the activation CSV of its client list, now or as it stood at an
 * instant. Streamed: nothing is checked or read until the first chunk is asked for, and every
 * refusal (bad input, not the firm) comes from there, before any text.
 */
import { z } from 'zod';
import type { AppContext, Caller } from './context.js';
import { parseRequest } from './input.js';
import { requireFirmSide } from './tenant-guards.js';

const activationCsvInput = z.strictObject({
  /** An instant with its offset; the export is worded as at that instant. */
  asOf: z.iso
    .datetime({ offset: true })
    .transform((at) => new Date(at).toISOString())
    .optional(),
  /** A UTF-8 byte order mark first, for spreadsheets that need it to read UTF-8. */
  bom: z.boolean().default(false),
});

/** The activation CSV (one row per member, header first) in chunks of text. */
export async function* activationCsv(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof activationCsvInput> = {},
): AsyncIterable<string> {
  const { asOf, bom } = parseRequest(caller, activationCsvInput, input);
  await requireFirmSide(ctx, caller);
  const views = await ctx.views();
  yield* views.exports.activationCsv(caller.tenantId, { ...(asOf !== undefined && { asOf }), bom, now: ctx.deps.clock.now() });
}
