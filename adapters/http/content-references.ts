/**
 * JSON writes that name stored content by its hash instead of sending the bytes. The library takes
 * such a reference on trust (the OneDrive sync, in process, stores the bytes itself first), but a
 * request over HTTP could name any hash, another firm's document's included, and have it served
 * back under its own name. So over HTTP a reference must be to content the caller already holds:
 * a logo uploaded with PUT /branding/logo, or a content hash one of the firm's documents has.
 */
import type { Caller } from '../../src/application/context.js';
import { operationInputs, type OperationId } from '../../src/application/inputs.js';
import { NotFoundError } from '../../src/core/errors.js';
import { CONTENT_HASH_PATTERN } from '../../src/core/limits.js';
import type { RouteContext } from './app.js';
import { HttpProblem } from './problem.js';

type ReferenceCheck = (ctx: RouteContext, caller: Caller, input: any) => Promise<void>;

const checks: Partial<Record<OperationId, ReferenceCheck>> = {
  'firms.setBranding': async (ctx, _caller, input: { logo?: { blobRef: string } | null }) => {
    if (!input.logo) return;
    const { blobRef } = input.logo;
    if (CONTENT_HASH_PATTERN.test(blobRef) && (await ctx.logos.stat(blobRef)) !== null) return;
    throw new HttpProblem('branding.logo_not_uploaded', "The logo's blobRef is no uploaded logo. Upload the logo with PUT /branding/logo.", 422);
  },
  'documents.applySyncedChange': async (ctx, caller, input: { change: { kind: string; content?: { contentHash: string; blobRef: string } } }) => {
    const content = input.change.kind === 'upserted' ? input.change.content : undefined;
    if (content === undefined) return;
    // The blob store addresses content by its hash: a blobRef naming other bytes would point elsewhere.
    if (content.blobRef === content.contentHash && (await isHeld(ctx, caller, content.contentHash))) return;
    throw new HttpProblem(
      'blob.not_held',
      "The change's content is not held by your firm: over HTTP a synced change may only name content (contentHash, and the same blobRef) of one of the firm's documents. Upload new bytes with POST /clients/{clientId}/documents.",
      422,
    );
  },
};

async function isHeld(ctx: RouteContext, caller: Caller, contentHash: string): Promise<boolean> {
  try {
    await ctx.portal.documents.heldContent(caller, { contentHash });
    return true;
  } catch (error) {
    if (error instanceof NotFoundError && error.code === 'content.not_held') return false;
    throw error;
  }
}

/**
 * Refuses a write whose input names content the caller does not hold (422). An input the function
 * would refuse anyway is left to it, so the refusal reads as the library's own.
 */
export async function checkContentReferences(ctx: RouteContext, id: OperationId, caller: Caller, input: unknown): Promise<void> {
  const check = checks[id];
  if (check === undefined) return;
  const parsed = operationInputs[id].safeParse(input);
  if (parsed.success) await check(ctx, caller, parsed.data);
}
