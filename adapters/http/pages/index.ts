/**
 * The client's portal in the browser: server-rendered pages (hono/jsx) under `/portal/{firmId}`,
 * in the firm's branding, with their stylesheet and few lines of script served as files of this
 * service (`/portal-assets/`), no build step and nothing from another host.
 */
import type { RouteContext } from '../app.js';
import { portalCss, portalJs } from './assets.js';
import { registerAuthPages } from './auth-routes.js';
import { registerDocumentPages } from './document-routes.js';
import { pageErrors, registerPageNotFound } from './error-pages.js';
import { brandCss, lookOf } from './look.js';
import { pageHeaders } from './security.js';
import { registerViewAs } from './view-as-routes.js';

export function registerPages(ctx: RouteContext): void {
  const { app } = ctx;
  const files = {
    'portal.css': { body: portalCss, type: 'text/css; charset=utf-8' },
    'portal.js': { body: portalJs, type: 'text/javascript; charset=utf-8' },
  } as const;

  app.use('/portal/*', pageHeaders);
  app.use('/portal-assets/*', pageHeaders);
  app.use('/portal/*', pageErrors(ctx));

  app.get('/portal-assets/:file', (c) => {
    const file = files[c.req.param('file') as keyof typeof files];
    if (file === undefined) return c.text('Not found', 404);
    return c.body(file.body, 200, { 'content-type': file.type, 'cache-control': 'public, max-age=300' });
  });

  app.get('/portal/:firmId/brand.css', async (c) => {
    const look = await lookOf(ctx, c.req.param('firmId'));
    if (look === null) return c.text('/* no such firm */', 404, { 'content-type': 'text/css; charset=utf-8' });
    return c.body(brandCss(look), 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=60' });
  });

  registerAuthPages(ctx);
  registerDocumentPages(ctx);
  registerViewAs(ctx);
  registerPageNotFound(ctx);
}
