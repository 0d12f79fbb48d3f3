/**
 * The docs page in a real browser: Debian's chromium (never a downloaded one) through
 * playwright-core, against the app served on 127.0.0.1. Swagger UI renders every operation, runs
 * one with a staff token given in its Authorize dialog, and asks nothing of any other host.
 */
import { serve, type ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHttp } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`docs-browser: skipped: ${CHROMIUM} is missing (.ci/run installs Debian's chromium; no browser is ever downloaded)`);

/** Quiet, offline chromium: no sandbox (containers), no GPU, no background calls home. */
const launchOptions = {
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
};

/** Swagger UI's id for an operation's block (deepLinking): `operations-<tag>-<operationId>`, the dots escaped with a backslash. */
const operationBlock = (page: Page, tag: string, operationId: string) => page.locator(`[id="operations-${tag}-${operationId.replace(/\./g, '\\\\.')}"]`);

describe.skipIf(!hasChromium)('the docs page in a real browser', () => {
  const http = testHttp();
  let server: ServerType;
  let origin: string;
  let browser: Browser;
  let staffToken: string;

  beforeAll(async () => {
    const firm = await http.givenFirm();
    staffToken = firm.token;
    await http.call('POST', '/clients', { token: staffToken, body: { kind: 'individual', owners: [{ name: 'Dora Docs', emails: ['dora@docs.example'] }] } });
    origin = await new Promise<string>((resolve) => {
      server = serve({ fetch: http.app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
    });
    browser = await chromium.launch(launchOptions);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A fresh page (its own storage: no authorization carried over) that records every request it makes. */
  async function openDocs() {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => void requested.push(request.url()));
    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    return { page, requested, close: () => context.close() };
  }

  /** Authorize (bearer) with the staff token, open GET /client-list, Try it out, Execute. */
  async function runClientList(page: Page) {
    await page.locator('.auth-wrapper button.authorize').click();
    const bearer = page.locator('.auth-container').filter({ hasText: 'bearer' });
    await bearer.locator('input').fill(staffToken);
    await bearer.locator('button.authorize').click();
    await bearer.locator('button.btn-done').click();
    const block = operationBlock(page, 'clientList', 'clientList.search');
    await block.locator('.opblock-summary').first().click();
    await block.locator('button.try-out__btn').click();
    await block.locator('button.execute').click();
    return block.locator('.live-responses-table tr.response .response-col_status');
  }

  it('renders the operations of /openapi.json by tag, clients.createClient among them', async () => {
    const { page, close } = await openDocs();
    await expect(page.locator('[id="operations-tag-clients"]').isVisible()).resolves.toBe(true);
    await expect(operationBlock(page, 'clients', 'clients.createClient').count()).resolves.toBe(1);
    await expect(operationBlock(page, 'clients', 'clients.createClient').locator('.opblock-summary-path').innerText()).resolves.toBe('/clients');
    await close();
  }, 60_000);

  it("runs GET /client-list with a staff token given in the Authorize dialog and shows the 200 answer", async () => {
    const { page, close } = await openDocs();
    const status = await runClientList(page);
    await status.waitFor({ timeout: 20_000 });
    expect((await status.innerText()).trim()).toBe('200');
    const block = operationBlock(page, 'clientList', 'clientList.search');
    await expect(block.locator('.live-responses-table tr.response .response-col_description').innerText()).resolves.toContain('Dora Docs');
    await close();
  }, 60_000);

  it('asks nothing of any host but the service: no CDN, no validator', async () => {
    const { page, requested, close } = await openDocs();
    await (await runClientList(page)).waitFor({ timeout: 20_000 });
    const elsewhere = requested.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url));
    expect(requested.length).toBeGreaterThan(3);
    expect(requested).toContain(`${origin}/openapi.json`);
    expect(requested.some((url) => url.startsWith(`${origin}/client-list`))).toBe(true);
    expect(elsewhere).toEqual([]);
    await close();
  }, 60_000);
});
