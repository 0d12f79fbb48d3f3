/**
 * /openapi.json and the interactive docs page at /docs. Swagger UI's files are served from the
 * installed swagger-ui-dist (no CDN: many firm networks have no internet), and its remote validator
 * is off, so the page makes no request beyond this service.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openApiDocument } from './openapi.js';

const assetTypes: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Client portal API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: 'none',
  deepLinking: true,
  persistAuthorization: false, // a bearer token kept in localStorage would outlive the page
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});`;

export function registerDocs(app: OpenAPIHono<any>): void {
  const folder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, Buffer>();
  let document: unknown;
  app.get('/openapi.json', (c) => c.json((document ??= openApiDocument(app))));
  app.get('/docs', (c) => c.html(page));
  app.get('/docs/init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = assetTypes[file];
    if (type === undefined) return c.notFound();
    if (!assets.has(file)) assets.set(file, readFileSync(join(folder, file)));
    return c.body(new Uint8Array(assets.get(file)!), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}
