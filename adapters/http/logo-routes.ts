/**
 * The firm's logo as bytes: a partner admin uploads the image (stored as a blob, then set as the
 * branding's logo, the rest of the branding kept), and anyone may fetch the logo a firm shows —
 * the login page shows it before anyone signs in. Logos live in their own blob store, never in the
 * documents' one: forgetting a client deletes documents' blobs, and must not take a logo with the
 * same bytes along; nor may a logo point at a document's content.
 */
import type { Context } from 'hono';
import type { Caller } from '../../src/application/context.js';
import { logoContentTypes, maxLogoBytes, type SupportChannel } from '../../src/firm/branding.js';
import { streams } from '../../src/streams.js';
import type { AppEnv, RouteContext } from './app.js';
import { serveBlob } from './blob-response.js';
import { mediaTypeOf } from './content-headers.js';
import { admit, etagOf, ifMatchOf, revisionOf } from './operation.js';
import { HttpProblem } from './problem.js';
import { storeRequestBody } from './upload-body.js';

/** The support channel as setBranding takes it back: the address or the link as typed. */
const channelText = (channel: SupportChannel | null | undefined) =>
  channel == null ? null : channel.kind === 'email' ? channel.address : channel.url;

/**
 * Served from our own origin, an SVG opened directly could run script: the policy forbids it
 * (and everything else an image does not need).
 */
const imagePolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export function registerLogoRoutes(ctx: RouteContext): void {
  const { app, portal, logos } = ctx;

  app.put('/branding/logo', async (c) => {
    const caller = await ctx.callerOf(c);
    admit({ audience: ['staff'] }, caller);
    const contentType = mediaTypeOf(c.req.header('content-type'));
    if (!(logoContentTypes as readonly string[]).includes(contentType)) {
      throw new HttpProblem('request.unsupported_media_type', `A logo is one of ${logoContentTypes.join(', ')} (send it as the Content-Type).`, 415);
    }
    const asCaller = ctx.asCaller(c, caller);
    // The rest of the branding is kept as read; a change made meanwhile fails the write (412), not lost.
    const streamId = streams.firm(asCaller.tenantId);
    const revision = ifMatchOf(c) ?? (await revisionOf(portal, streamId));
    const { branding } = await portal.firms.getFirm(asCaller);
    if (revision !== null) asCaller.ifMatch = { streamId, revision };
    const blob = await storeRequestBody(c, logos, maxLogoBytes);
    const change = await portal.firms.setBranding(asCaller, {
      logo: { blobRef: blob.contentHash, contentType, size: blob.size },
      primaryColour: branding?.primaryColour ?? null,
      supportChannel: channelText(branding?.supportChannel),
    });
    if (typeof change.revision === 'number') c.header('etag', etagOf(change.revision));
    return c.json(change);
  });

  app.get('/firms/:firmId/branding/logo', async (c) => {
    const firmId = c.req.param('firmId');
    const branding = await portal.firms.effectiveBrandingOf(logoReader(ctx, c, firmId), { firmId });
    if (branding.logo === null) throw new HttpProblem('branding.no_logo', 'This firm shows no logo.', 404);
    return serveBlob(c, logos, {
      contentHash: branding.logo.blobRef,
      contentType: branding.logo.contentType,
      headers: { 'cache-control': 'public, max-age=300', 'content-security-policy': imagePolicy },
      ranges: false,
    });
  });
}

/** The login page asks for a firm's look before anyone signs in: the system reads it in that firm. */
const logoReader = (ctx: RouteContext, c: Context<AppEnv>, firmId: string): Caller =>
  ctx.asCaller(c, { tenantId: firmId, actor: { kind: 'system', name: 'login-page' } });
