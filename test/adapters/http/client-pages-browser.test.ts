/**
 * The client's portal in a real browser: Debian's chromium (never a downloaded one) through
 * playwright-core, against `npm start`'s service on 127.0.0.1 with its mail going over SMTP to a
 * loopback smtp-server. The firm invites a client over the API; the client takes the link from the
 * parsed email, activates, sees and downloads the shared document, uploads one back (the firm is
 * emailed), is refused deleting a firm file, logs out; used, expired and reset links; the branding
 * on the page; axe-core on every page at phone and desktop sizes. Screenshots of every page go to
 * test/.output/client-pages-browser/ (printed at the end). No request may leave loopback.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../adapters/http/config.js';
import { shiftableClock } from '../../../adapters/http/demo.js';
import { startService, type RunningService } from '../../../adapters/http/service.js';
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../../support/smtp.js';


const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`client-pages-browser: skipped: ${CHROMIUM} is missing (.ci/run installs Debian's chromium; no browser is ever downloaded)`);

const launchOptions = {
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
};

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.output', 'client-pages-browser');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;
const BRAND = '#7a1f5c';
const LOGO = solidPng(160, 48, [0xf2, 0xc1, 0x4e]);
const LETTER = Buffer.from('%PDF-1.4\nThe engagement letter of Ann Smith, 2026.\n%%EOF\n');
const PASSWORD = 'a long passphrase';
const DAY_MS = 24 * 60 * 60 * 1000;

/** A PNG of one colour, for the firm's logo. */
function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/** A free loopback port, so the links in emails can name the service's real address. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe.skipIf(!hasChromium)('the client portal in a real browser', () => {
  const clock = shiftableClock();
  let dir: string;
  let smtp: SmtpTestServer;
  let service: RunningService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];
  /** Requests to any host but loopback, aborted before they left. */
  const leftLoopback: string[] = [];
  const isLoopback = (url: string) => {
    if (/^(data|blob):/.test(url)) return true;
    try {
      return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
    } catch {
      return false;
    }
  };
  const policyViolations: string[] = [];
  const axeFindings: string[] = [];
  const shots: string[] = [];
  let firmId: string;
  let staffToken: string;
  let annId: string;
  let letterId: string;

  const api = async (method: string, path: string, options: { token?: string; json?: unknown; bytes?: Uint8Array; type?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (options.bytes) headers['content-type'] = options.type ?? 'application/octet-stream';
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.bytes;
    const response = await fetch(`${service.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, body: text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  };

  /** The mails to `address` so far, once the service has handed over everything the log asks for. */
  async function mailsTo(address: string, count = 1): Promise<ReceivedMail[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      await service.mailSettled();
      const found = smtp.received.filter((m) => m.envelope.to.includes(address));
      if (found.length >= count || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const linkFrom = (mail: ReceivedMail, page: 'activate' | 'reset-password') => {
    const match = new RegExp(`${service.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/portal/[^/\\s]+/${page}\\?contactId=[^&\\s]+&token=[^\\s&]+`).exec(mail.text ?? '');
    if (!match) throw new Error(`No ${page} link in the email: ${mail.text}`);
    return match[0];
  };

  /** axe-core (evaluated through the DevTools protocol: the page's policy lets no other script in) at both sizes, with a screenshot of each. */
  async function check(name: string) {
    for (const [size, viewport] of Object.entries(sizes)) {
      await page.setViewportSize(viewport);
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const result = await (globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run({
          resultTypes: ['violations'],
        });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
      });
      for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') axeFindings.push(`${name} (${size}): ${v.id} ${v.impact} ×${v.count}`);
      const file = join(OUTPUT, `${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: true });
      shots.push(file);
    }
    await page.setViewportSize(sizes.desktop);
  }

  beforeAll(async () => {
    rmSync(OUTPUT, { recursive: true, force: true });
    mkdirSync(OUTPUT, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'portal-pages-'));
    smtp = await startSmtpServer({ tls: 'none' });
    const port = await freePort();
    const lines: string[] = [];
    const config = parseConfig(
      { PORT: String(port), HOST: '127.0.0.1', PORTAL_DATA_DIR: dir, PORTAL_PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: smtp.url, LOG_LEVEL: 'silent' },
      [],
    );
    service = await startService(config, { print: (l) => lines.push(l), graceMs: 1000, clock });
    const operator = /(cpo_\S+)/.exec(lines.join('\n'))![1]!;

    // A licensing partner firm with its branding: logo, colour, support email.
    const firm = await api('POST', '/firms', { token: operator, json: { name: 'Harbour Accountants', partnerAdmin: { name: 'Pat Partner', email: 'pat@harbour.example' } } });
    firmId = firm.body.firmId;
    staffToken = firm.body.apiToken;
    expect((await api('PUT', `/firms/${firmId}/partner-features`, { token: operator, json: { licensingPartner: true } })).status).toBe(200);
    expect((await api('PUT', '/branding/logo', { token: staffToken, bytes: LOGO, type: 'image/png' })).status).toBe(200);
    const { body: branding } = await api('GET', `/firms/${firmId}/branding`, { token: staffToken });
    expect((await api('PUT', '/branding', { token: staffToken, json: { logo: branding.logo, primaryColour: BRAND, supportChannel: 'help@harbour.example' } })).status).toBe(200);

    browser = await chromium.launch(launchOptions);
    context = await browser.newContext({ viewport: sizes.desktop, acceptDownloads: true });
    // Every request of the whole context (pages, popups, workers) passes here: loopback goes on, anything else is aborted and recorded.
    context.on('request', (request) => void requested.push(request.url()));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLoopback(url)) return route.continue();
      leftLoopback.push(url);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (shots.length > 0) console.log(`client-pages-browser: ${shots.length} screenshots in ${OUTPUT}`);
  });

  it('takes an invited client from the emailed link to their documents and back out', async () => {
    // The firm adds Ann, puts a letter in her Tax folder and opens her access to Tax and Uploads: the invitation goes out.
    const ann = await api('POST', '/clients', { token: staffToken, json: { kind: 'individual', owners: [{ name: 'Ann Smith', emails: ['ann@smith.example'] }] } });
    annId = ann.body.ownerIds[0];
    const clientId = ann.body.clientId;
    const letter = await api('POST', `/clients/${clientId}/documents?folderPath=Tax&name=${encodeURIComponent('Engagement letter.pdf')}`, { token: staffToken, bytes: LETTER });
    expect(letter.status).toBe(201);
    letterId = letter.body.document.documentId;
    const opened = await api('POST', `/clients/${clientId}/members/${annId}/portal-access`, {
      token: staffToken,
      json: { sharedItems: [{ kind: 'folder', path: 'Tax' }, { kind: 'folder', path: 'Uploads' }] },
    });
    expect(opened.status).toBe(200);
    const [invitation] = await mailsTo('ann@smith.example');
    const activation = linkFrom(invitation!, 'activate');
    expect(activation.startsWith(`${service.url}/portal/${firmId}/activate?`)).toBe(true);

    // Activate: greeted by the firm's name, the rule shown before typing, the toggle, then in.
    await page.goto(activation);
    await expect(page.locator('h1').innerText()).resolves.toBe('Welcome to Harbour Accountants');
    await expect(page.locator('#password-rule').innerText()).resolves.toContain('At least 10 characters');
    await check('activate');
    await page.fill('#password', PASSWORD);
    await page.fill('#confirm', PASSWORD);
    await page.click('button[data-toggle-password]');
    await expect(page.getAttribute('#password', 'type')).resolves.toBe('text');
    await page.click('text=Activate my account');
    await page.waitForURL(`**/portal/${firmId}/documents?welcome=1`);

    // The documents page, in the firm's branding.
    await expect(page.locator('[role=status]').first().innerText()).resolves.toContain('Your account is active');
    const row = page.locator('tr', { hasText: 'Engagement letter.pdf' });
    await expect(row.innerText()).resolves.toContain('Pat Partner, Harbour Accountants');
    await expect(page.locator('.brand-bar').evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor)).resolves.toBe('rgb(122, 31, 92)');
    await expect(page.locator('img.logo').evaluate((img) => (img as { naturalWidth: number }).naturalWidth)).resolves.toBe(160);
    await expect(page.locator('footer').innerText()).resolves.toContain('help@harbour.example');
    await check('documents');

    // Download: the same bytes.
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('a.doc-name').click()]);
    expect(readFileSync((await download.path())!)).toEqual(LETTER);

    // Keyboard: the first Tab reaches the skip link, and the upload is reachable and labelled.
    await page.goto(`${service.url}/portal/${firmId}/documents`);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (globalThis as any).document.activeElement?.textContent?.trim())).resolves.toBe('Skip to the content');
    await page.focus('#files');
    await expect(page.locator('label[for=files]').innerText()).resolves.toBe('Choose one or more files');

    // Upload two files into Uploads, with progress; the firm's partner admin is emailed about each.
    await page.setInputFiles('#files', [
      { name: 'receipt.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 receipt\n') },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Questions for the meeting\n') },
    ]);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/portal/${firmId}/documents?uploaded=1`);
    await expect(page.locator('tr', { hasText: 'receipt.pdf' }).innerText()).resolves.toContain('You');
    await expect(page.locator('tr', { hasText: 'notes.txt' }).count()).resolves.toBe(1);
    const alerts = await mailsTo('pat@harbour.example', 2);
    expect(alerts.map((m) => m.subject).sort()).toEqual(['Ann Smith uploaded notes.txt', 'Ann Smith uploaded receipt.pdf']);
    await check('documents-after-upload');

    // A program is refused before it is sent.
    await page.setInputFiles('#files', { name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await page.click('#upload-form button[type=submit]');
    await expect(page.locator('#upload-progress li.error').innerText()).resolves.toContain('Programs and scripts (.exe) cannot be sent');

    // Deleting the firm's file (no button for it: a forged form with the page's token) is refused in the domain's words.
    await page.evaluate(
      ({ action }) => {
        const document = (globalThis as any).document;
        const form = document.createElement('form');
        form.method = 'post';
        form.action = action;
        const field = document.createElement('input');
        field.type = 'hidden';
        field.name = '_csrf';
        field.value = document.querySelector('meta[name="csrf-token"]')!.getAttribute('content')!;
        form.appendChild(field);
        document.body.appendChild(form);
        form.submit();
      },
      { action: `/portal/${firmId}/documents/${encodeURIComponent(letterId)}/delete` },
    );
    await page.waitForLoadState('load');
    await expect(page.locator('[role=alert]').innerText()).resolves.toBe('Documents shared by your firm cannot be changed or deleted.');
    await expect(page.locator('tr', { hasText: 'Engagement letter.pdf' }).count()).resolves.toBe(1);

    // Log out: the documents page sends her to the login page.
    await page.click('text=Log out');
    await page.waitForURL(`**/portal/${firmId}/login?bye=1`);
    await expect(page.locator('[role=status]').innerText()).resolves.toBe('You are logged out.');
    await check('login');
    await page.goto(`${service.url}/portal/${firmId}/documents`);
    await page.waitForURL(`**/portal/${firmId}/login?again=1`);

    // The used link now says so, and never why.
    await page.goto(activation);
    await expect(page.locator('[role=alert]').innerText()).resolves.toContain('This link no longer works. Ask Harbour Accountants to send you a new invitation');
    await check('activate-dead-link');
  }, 90_000);

  it('resets a forgotten password by email, once', async () => {
    await page.goto(`${service.url}/portal/${firmId}/login`);
    await page.click('text=Forgot your password?');
    await check('forgot-password');
    await page.fill('#email', 'ann@smith.example');
    await page.click('text=Send me a link');
    await expect(page.locator('[role=status]').innerText()).resolves.toContain('If this email address belongs to an account');
    const resets = (await mailsTo('ann@smith.example', 2)).filter((m) => /Set a new password/.test(m.subject ?? ''));
    expect(resets).toHaveLength(1);
    const link = linkFrom(resets[0]!, 'reset-password');
    await page.goto(link);
    await check('reset-password');
    await page.fill('#password', 'another long passphrase');
    await page.fill('#confirm', 'another long passphrase');
    await page.click('text=Save my new password');
    await page.waitForURL(`**/portal/${firmId}/documents?password=1`);
    await page.click('text=Log out');
    await page.waitForURL(`**/login?bye=1`);
    await page.fill('#email', 'ann@smith.example');
    await page.fill('#password', 'another long passphrase');
    await page.click('main button[type=submit]');
    await page.waitForURL(`**/portal/${firmId}/documents`);
    await page.click('text=Log out');
    await page.goto(link);
    await expect(page.locator('[role=alert]').innerText()).resolves.toContain('This link no longer works.');
  }, 60_000);

  it('says an expired activation link no longer works', async () => {
    const bob = await api('POST', '/clients', { token: staffToken, json: { kind: 'individual', owners: [{ name: 'Bob Brown', emails: ['bob@brown.example'] }] } });
    expect((await api('POST', `/clients/${bob.body.clientId}/invitations`, { token: staffToken, json: {} })).status).toBe(200);
    const [invitation] = await mailsTo('bob@brown.example');
    const link = linkFrom(invitation!, 'activate');
    clock.shift(31 * DAY_MS);
    try {
      await page.goto(link);
      await expect(page.locator('[role=alert]').innerText()).resolves.toContain('This link no longer works.');
      await expect(page.locator('#password').count()).resolves.toBe(0);
    } finally {
      clock.shift(0);
    }
  }, 30_000);

  it("shows staff a client's page read-only through the view-as form", async () => {
    await page.goto(`${service.url}/portal/${firmId}/view-as`);
    await check('view-as-form');
    await page.fill('#token', staffToken);
    await page.fill('#contactId', annId);
    await page.click('main button[type=submit]');
    await page.waitForLoadState('load');
    await expect(page.locator('h1').innerText()).resolves.toBe("Ann Smith's documents");
    await expect(page.locator('tr', { hasText: 'Engagement letter.pdf' }).count()).resolves.toBe(1);
    await expect(page.locator('#upload-form').count()).resolves.toBe(0);
    await check('view-as-client');
  }, 30_000);

  it('found no serious accessibility violation, no policy violation, and asked nothing of any other host', () => {
    expect(axeFindings).toEqual([]);
    expect(policyViolations).toEqual([]);
    const elsewhere = requested.filter((url) => !url.startsWith(`${service.url}/`) && !/^(data|blob):/.test(url));
    expect(requested.length).toBeGreaterThan(10);
    expect(leftLoopback).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
